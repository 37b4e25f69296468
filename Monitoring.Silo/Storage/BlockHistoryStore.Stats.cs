using System.Data.Common;
using Monitoring.Contracts;

namespace Monitoring.Silo.Storage;

public abstract partial class BlockHistoryStore
{
    /// <summary>The bytes the database takes on disk for history and the registry.</summary>
    protected abstract long StoredBytes(DbConnection connection);

    public async Task<StorageStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
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
        var head = Tier("head", "SELECT count(*), count(*), CAST(sum(length(sample) + coalesce(length(network), 0) + 16) AS BIGINT), min(ts), max(ts) FROM history_head;");
        var raw = Tier("raw", "SELECT count(*), CAST(sum(samples) AS BIGINT), CAST(sum(length(block) + 28) AS BIGINT), min(first_ts), max(last_ts) FROM history_blocks;");
        tiers.Add(head);
        tiers.Add(raw);
        foreach (var (name, width) in (ReadOnlySpan<(string, long)>)[("5m", Rollups.FiveMinutes), ("1h", Rollups.Hour)])
        {
            tiers.Add(Tier(name, $"""
                SELECT count(*), NULL, CAST(sum(length(block) + 20) AS BIGINT), min(day), max(day) + {Rollups.Day} - 1 FROM history_rollups WHERE tier = {width};
                """));
        }

        var previous = 0L;
        if (HasLegacyTable(connection))
        {
            var legacy = Tier("previous_release", "SELECT count(*), count(*), NULL, min(ts), max(ts) FROM history;");
            previous = legacy.Rows;
            tiers.Add(legacy);
        }

        var bytes = StoredBytes(connection);
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
