using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.History;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The silo's one writer of alert transitions and notification attempts: every agent grain's events queue here and are
/// committed together, one transaction per batch on one connection, into <c>alert_history</c>, the <c>alerts</c> table of
/// newest states and <c>notifications</c>.
/// </summary>
public sealed partial class AlertHistoryWriter(SqliteConnections connections, ILogger<AlertHistoryWriter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxBatch = 512;

    private readonly Channel<PendingEvents> _queue = Channel.CreateUnbounded<PendingEvents>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the transitions; completes once they are committed.</summary>
    public Task AppendAsync(IReadOnlyList<AlertEvent> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        return Enqueue(new PendingEvents(events, []));
    }

    /// <summary>Queues a notification attempt; delivery does not wait for it to be stored.</summary>
    public void Record(NotificationAttempt attempt) => _queue.Writer.TryWrite(new PendingEvents([], [attempt]));

    private Task Enqueue(PendingEvents pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The alert history writer has stopped.");
        }

        return pending.Committed.Task;
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        Task running = Task.CompletedTask;
        lifecycle.Subscribe(
            nameof(AlertHistoryWriter),
            ServiceLifecycleStage.ApplicationServices,
            _ =>
            {
                running = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
                return Task.CompletedTask;
            },
            _ =>
            {
                _queue.Writer.TryComplete();
                return running;
            });
    }

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

        using var attempt = connection.CreateCommand();
        attempt.CommandText = "INSERT INTO notifications (at, alert_id, attempt) VALUES (@at, @alert_id, @attempt);";
        foreach (var name in (string[])["@at", "@alert_id", "@attempt"])
        {
            attempt.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var batch = new List<PendingEvents>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            Commit(connection, insert, attempt, batch);
            batch.Clear();
        }
    }

    private void Commit(SqliteConnection connection, SqliteCommand insert, SqliteCommand attempt, List<PendingEvents> batch)
    {
        try
        {
            using (var transaction = connection.BeginTransaction())
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

                attempt.Transaction = transaction;
                foreach (var a in batch.SelectMany(p => p.Attempts))
                {
                    attempt.Parameters["@at"].Value = UnixMicroseconds.From(a.At);
                    attempt.Parameters["@alert_id"].Value = a.AlertId;
                    attempt.Parameters["@attempt"].Value = JsonSerializer.Serialize(a, MonitoringJsonContext.Default.NotificationAttempt);
                    attempt.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            foreach (var pending in batch)
            {
                pending.Committed.TrySetResult();
            }
        }
        catch (Exception error)
        {
            LogBatchFailed(logger, batch.Count, error);
            foreach (var pending in batch)
            {
                pending.Committed.TrySetException(error);
            }
        }
    }

    private sealed record PendingEvents(IReadOnlyList<AlertEvent> Events, IReadOnlyList<NotificationAttempt> Attempts)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(1, LogLevel.Error, "Could not write {Count} alert transition batches")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
