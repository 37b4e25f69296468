using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.History;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The silo's one writer of alert transitions, notification attempts and the delivery outbox: every agent grain's events
/// queue here and are committed together, one transaction per batch on one connection, into <c>alert_history</c>, the
/// <c>alerts</c> table of newest states, <c>notifications</c> and <c>notification_outbox</c>.
/// </summary>
public sealed partial class AlertHistoryWriter(SqliteConnections connections, ILocalSiloDetails silo, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time, ILogger<AlertHistoryWriter> logger)
    : ILifecycleParticipant<ISiloLifecycle>
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

        return Enqueue(new PendingEvents(events, []));
    }

    /// <summary>Queues a notification attempt; delivery does not wait for it to be stored.</summary>
    public void Record(NotificationAttempt attempt) => _queue.TryQueue(new PendingEvents([], [attempt]));

    /// <summary>Puts deliveries in the outbox, owned by this silo; completes once they are durable.</summary>
    public Task QueueAsync(IReadOnlyList<OutboxEntry> deliveries) =>
        deliveries.Count == 0 ? Task.CompletedTask : Enqueue(new PendingEvents([], []) { Queued = deliveries });

    /// <summary>Takes a delivery out of the outbox once a receiver acknowledged it; keeps it, marked failed, once retries gave up.</summary>
    public void Settle(OutboxEntry delivery, bool delivered) =>
        _queue.TryQueue(new PendingEvents([], []) { Settled = (delivery, delivered) });

    /// <summary>
    /// Takes over the pending deliveries of every owner not in <paramref name="live"/> (silos stopped or dead, this
    /// silo's earlier lives included) and completes with them.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> AdoptAsync(IReadOnlySet<string> live)
    {
        var pending = new PendingEvents([], []) { Adoption = new Adoption(live) };
        await Enqueue(pending);
        return pending.Adoption.Adopted;
    }

    private Task Enqueue(PendingEvents pending)
    {
        if (!_queue.TryQueue(pending))
        {
            throw new InvalidOperationException("The alert history writer has stopped.");
        }

        return pending.Committed.Task;
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

        using var attempt = connection.CreateCommand();
        attempt.CommandText = "INSERT INTO notifications (at, alert_id, attempt) VALUES (@at, @alert_id, @attempt);";
        foreach (var name in (string[])["@at", "@alert_id", "@attempt"])
        {
            attempt.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        await foreach (var batch in _queue.Batches())
        {
            Commit(connection, insert, attempt, batch);
            CommitOutbox(connection, batch);
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

            foreach (var pending in batch.Where(p => !p.IsOutbox))
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

    /// <summary>The outbox changes of the batch, in a transaction of their own: rare next to transitions and attempts.</summary>
    private void CommitOutbox(SqliteConnection connection, List<PendingEvents> batch)
    {
        var work = batch.Where(p => p.IsOutbox).ToList();
        if (work.Count == 0)
        {
            return;
        }

        try
        {
            using (var transaction = connection.BeginTransaction())
            {
                foreach (var pending in work)
                {
                    foreach (var delivery in pending.Queued)
                    {
                        Insert(connection, transaction, delivery);
                    }

                    if (pending.Settled is var (settled, delivered))
                    {
                        Settle(connection, transaction, settled, delivered);
                    }

                    if (pending.Adoption is { } adoption)
                    {
                        Adopt(connection, transaction, adoption);
                    }
                }

                transaction.Commit();
            }

            foreach (var pending in work)
            {
                pending.Committed.TrySetResult();
            }
        }
        catch (Exception error)
        {
            LogBatchFailed(logger, work.Count, error);
            foreach (var pending in work)
            {
                pending.Committed.TrySetException(error);
            }
        }
    }

    private void Insert(SqliteConnection connection, SqliteTransaction transaction, OutboxEntry delivery)
    {
        var notification = delivery.Notification;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR IGNORE INTO notification_outbox
                (notification_id, receiver, owner, state, queued_at, status, repeat, alertmanager_only, at, alert, transition)
            VALUES (@id, @receiver, @owner, 'pending', @queued_at, @status, @repeat, @alertmanager_only, @at, @alert, @transition);
            """;
        command.Parameters.AddWithValue("@id", notification.Id);
        command.Parameters.AddWithValue("@receiver", delivery.Receiver);
        command.Parameters.AddWithValue("@owner", Owner);
        command.Parameters.AddWithValue("@queued_at", UnixMicroseconds.From(time.GetUtcNow()));
        command.Parameters.AddWithValue("@status", notification.Status);
        command.Parameters.AddWithValue("@repeat", notification.Repeat);
        command.Parameters.AddWithValue("@alertmanager_only", notification.AlertmanagerOnly);
        command.Parameters.AddWithValue("@at", UnixMicroseconds.From(notification.At));
        command.Parameters.AddWithValue("@alert", JsonSerializer.Serialize(notification.Alert, MonitoringJsonContext.Default.AlertView));
        command.Parameters.AddWithValue("@transition", notification.Transition is { } transition
            ? JsonSerializer.Serialize(transition, MonitoringJsonContext.Default.AlertTransition)
            : DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void Settle(SqliteConnection connection, SqliteTransaction transaction, OutboxEntry delivery, bool delivered)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = delivered
            ? "DELETE FROM notification_outbox WHERE notification_id = @id AND receiver = @receiver;"
            : "UPDATE notification_outbox SET state = 'failed' WHERE notification_id = @id AND receiver = @receiver;";
        command.Parameters.AddWithValue("@id", delivery.Notification.Id);
        command.Parameters.AddWithValue("@receiver", delivery.Receiver);
        command.ExecuteNonQuery();
    }

    private void Adopt(SqliteConnection connection, SqliteTransaction transaction, Adoption adoption)
    {
        var owner = Owner;
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = """
                SELECT notification_id, receiver, owner, status, repeat, alertmanager_only, at, alert, transition
                FROM notification_outbox WHERE state = 'pending' AND owner <> @owner ORDER BY queued_at;
                """;
            select.Parameters.AddWithValue("@owner", owner);
            using var rows = select.ExecuteReader();
            while (rows.Read())
            {
                if (adoption.Live.Contains(rows.GetString(2)))
                {
                    continue;
                }

                var notification = new AlertNotification(
                    rows.GetString(0),
                    rows.GetString(3),
                    rows.GetBoolean(4),
                    rows.GetBoolean(5),
                    JsonSerializer.Deserialize(rows.GetString(7), MonitoringJsonContext.Default.AlertView)!,
                    rows.IsDBNull(8) ? null : JsonSerializer.Deserialize(rows.GetString(8), MonitoringJsonContext.Default.AlertTransition),
                    UnixMicroseconds.ToTime(rows.GetInt64(6)));
                adoption.Adopted.Add(new OutboxEntry(rows.GetString(1), notification));
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE notification_outbox SET owner = @owner WHERE notification_id = @id AND receiver = @receiver;";
        update.Parameters.AddWithValue("@owner", owner);
        var id = update.Parameters.Add("@id", SqliteType.Text);
        var receiver = update.Parameters.Add("@receiver", SqliteType.Text);
        foreach (var delivery in adoption.Adopted)
        {
            id.Value = delivery.Notification.Id;
            receiver.Value = delivery.Receiver;
            update.ExecuteNonQuery();
        }
    }

    private string Owner => silo.SiloAddress.ToParsableString();

    private sealed record Adoption(IReadOnlySet<string> Live)
    {
        public List<OutboxEntry> Adopted { get; } = [];
    }

    private sealed record PendingEvents(IReadOnlyList<AlertEvent> Events, IReadOnlyList<NotificationAttempt> Attempts)
    {
        public IReadOnlyList<OutboxEntry> Queued { get; init; } = [];

        public (OutboxEntry Delivery, bool Delivered)? Settled { get; init; }

        public Adoption? Adoption { get; init; }

        public bool IsOutbox => Queued.Count > 0 || Settled is not null || Adoption is not null;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(1, LogLevel.Error, "Could not write {Count} alert transition or outbox batches")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
