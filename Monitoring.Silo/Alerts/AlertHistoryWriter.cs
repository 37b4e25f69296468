using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The silo's one writer of alert transitions: every agent grain's events queue here and are committed together, one
/// transaction per batch on one connection, into <c>alert_history</c> and the <c>alerts</c> table of newest states.
/// </summary>
public sealed partial class AlertHistoryWriter(SqliteConnections connections, ILogger<AlertHistoryWriter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxBatch = 512;

    private readonly GroupCommitQueue<PendingEvents> _queue = new(MaxBatch);

    /// <summary>Queues the transitions; completes once they are committed.</summary>
    public Task AppendAsync(IReadOnlyList<AlertEvent> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _queue.Enqueue(new PendingEvents(events), "alert history writer");
    }

    public void Participate(ISiloLifecycle lifecycle) => _queue.Participate(lifecycle, nameof(AlertHistoryWriter), Run);

    private async Task Run()
    {
        using var connection = connections.Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO alert_history (at, alert_id, agent_id, rule_id, from_state, to_state, event)
            VALUES (@at, @alert_id, @agent_id, @rule_id, @from, @to, @event);
            INSERT INTO alerts (alert_id, agent_id, state, at, event) VALUES (@alert_id, @agent_id, @to, @at, @event)
            ON CONFLICT (alert_id) DO UPDATE SET state = excluded.state, at = excluded.at, event = excluded.event
            WHERE excluded.at >= alerts.at;
            """;
        foreach (var name in (string[])["@at", "@alert_id", "@agent_id", "@rule_id", "@from", "@to", "@event"])
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        await foreach (var batch in _queue.Batches())
        {
            GroupCommitQueue<PendingEvents>.Commit(connection, batch, transaction => Write(insert, transaction, batch), error => LogBatchFailed(logger, batch.Count, error));
        }
    }

    private static void Write(SqliteCommand insert, SqliteTransaction transaction, List<PendingEvents> batch)
    {
        insert.Transaction = transaction;
        foreach (var e in batch.SelectMany(p => p.Events))
        {
            insert.Parameters["@at"].Value = UnixMicroseconds.From(e.At);
            insert.Parameters["@alert_id"].Value = e.AlertId;
            insert.Parameters["@agent_id"].Value = e.AgentId;
            insert.Parameters["@rule_id"].Value = e.RuleId;
            insert.Parameters["@from"].Value = e.From;
            insert.Parameters["@to"].Value = e.To;
            insert.Parameters["@event"].Value = JsonSerializer.Serialize(e, MonitoringJsonContext.Default.AlertEvent);
            insert.ExecuteNonQuery();
        }
    }

    private sealed record PendingEvents(IReadOnlyList<AlertEvent> Events) : PendingCommit;

    [LoggerMessage(1, LogLevel.Error, "Could not write {Count} alert transition batches")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
