using System.Globalization;
using System.Text.Json;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Access;

/// <summary>The <c>audit_log</c> table: every admin action, appended one row each (they are rare), read newest first by id.</summary>
public sealed class AuditLog(SqliteConnections connections)
{
    /// <summary>Created idempotently at silo start with the rest of the schema (<see cref="SqliteSchema"/>).</summary>
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS audit_log (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            operation TEXT NOT NULL,
            target TEXT NOT NULL,
            entry TEXT NOT NULL);
        """;

    /// <summary>Commits the entry dated <paramref name="at"/>; returns it with the id the table gave it.</summary>
    public async Task<AuditEntry> AppendAsync(AuditEntry entry, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO audit_log (at, actor, operation, target, entry) VALUES (@at, @actor, @operation, @target, @entry)
            RETURNING seq;
            """;
        var dated = entry with { Id = 0, At = at };
        insert.Parameters.AddWithValue("@at", UnixMicroseconds.From(at));
        insert.Parameters.AddWithValue("@actor", entry.Actor);
        insert.Parameters.AddWithValue("@operation", entry.Operation);
        insert.Parameters.AddWithValue("@target", entry.Target);
        insert.Parameters.AddWithValue("@entry", JsonSerializer.Serialize(dated, MonitoringJsonContext.Default.AuditEntry));
        return dated with { Id = (long)(await insert.ExecuteScalarAsync(cancellationToken))! };
    }

    /// <summary>Up to <paramref name="limit"/> entries with ids below <paramref name="before"/> (all when null), newest first.</summary>
    public async Task<AuditPage> ReadAsync(long? before, int limit, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, entry FROM audit_log WHERE @before IS NULL OR seq < @before ORDER BY seq DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@before", (object?)before ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", limit + 1);
        var entries = new List<AuditEntry>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            entries.Add(JsonSerializer.Deserialize(rows.GetString(1), MonitoringJsonContext.Default.AuditEntry)! with { Id = rows.GetInt64(0) });
        }

        return entries.Count > limit
            ? new AuditPage([.. entries.Take(limit)], entries[limit - 1].Id.ToString(CultureInfo.InvariantCulture))
            : new AuditPage(entries, null);
    }
}
