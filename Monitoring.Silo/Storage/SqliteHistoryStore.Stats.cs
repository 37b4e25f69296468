using Microsoft.Data.Sqlite;
using Monitoring.Contracts;

namespace Monitoring.Silo.Storage;

public sealed partial class SqliteHistoryStore
{
    public async Task ProbeWriteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds};";
        await command.ExecuteNonQueryAsync(cancellationToken);
        // One statement per command: in a batch, Microsoft.Data.Sqlite does not report a later statement's SQLITE_BUSY.
        // It also retries a busy statement until the command timeout (30 s by default), beyond busy_timeout.
        command.CommandText = "BEGIN IMMEDIATE;";
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "ROLLBACK;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public long? FreeDiskBytes()
    {
        var file = new SqliteConnectionStringBuilder(connections.ConnectionString).DataSource;
        return string.IsNullOrEmpty(file) || file == ":memory:" || Path.GetDirectoryName(Path.GetFullPath(file)) is not { Length: > 0 } folder
            ? null
            : new DriveInfo(folder).AvailableFreeSpace;
    }

    public async Task<StorageStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.Open();
        var tiers = new List<StorageTier>();
        StorageTier Tier(string name, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var row = command.ExecuteReader();
            row.Read();
            return new StorageTier(
                name,
                row.GetInt64(0),
                row.IsDBNull(1) ? null : row.GetInt64(1),
                row.IsDBNull(2) ? 0 : row.GetInt64(2),
                row.IsDBNull(3) ? null : UnixMicroseconds.ToTime(row.GetInt64(3)),
                row.IsDBNull(4) ? null : UnixMicroseconds.ToTime(row.GetInt64(4)));
        }

        // Bytes are the stored payloads (blocks, rows and their keys); the file total below counts whole pages.
        var head = Tier("head", "SELECT count(*), count(*), sum(length(sample) + coalesce(length(network), 0) + 16), min(ts), max(ts) FROM history_head;");
        var raw = Tier("raw", "SELECT count(*), sum(samples), sum(length(block) + 28), min(first_ts), max(last_ts) FROM history_blocks;");
        tiers.Add(head);
        tiers.Add(raw);
        foreach (var (name, width) in (ReadOnlySpan<(string, long)>)[("5m", Rollups.FiveMinutes), ("1h", Rollups.Hour)])
        {
            tiers.Add(Tier(name, $"""
                SELECT count(*), NULL, sum(length(block) + 20), min(day), max(day) + {Rollups.Day} - 1 FROM history_rollups WHERE tier = {width};
                """));
        }

        var previous = 0L;
        if (HasLegacyTable(connection))
        {
            var legacy = Tier("previous_release", "SELECT count(*), count(*), NULL, min(ts), max(ts) FROM history;");
            previous = legacy.Rows;
            tiers.Add(legacy);
        }

        using var pages = connection.CreateCommand();
        pages.CommandText = "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size;";
        var bytes = (long)pages.ExecuteScalar()!;
        var samples = head.Rows + (raw.Samples ?? 0) + previous;
        return new StorageStats
        {
            Samples = samples,
            Bytes = bytes,
            BytesPerSample = samples > 0 ? Math.Round((double)bytes / samples, 1) : null,
            PendingCompaction = head.Rows,
            PendingUpgrade = previous,
            Tiers = tiers,
        };
    }
}
