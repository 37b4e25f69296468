using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Notifications;

/// <summary>
/// The silo's one writer of the delivery outbox and of notification attempts: deliveries queued, settled and adopted,
/// and every attempt, from every grain and delivery worker, are committed together, one transaction per batch on one
/// connection, into <c>notification_outbox</c> and <c>notifications</c>.
/// </summary>
public sealed partial class NotificationOutbox(SqliteConnections connections, ILocalSiloDetails silo, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time, ILogger<NotificationOutbox> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxBatch = 512;

    private readonly GroupCommitQueue<PendingChange> _queue = new(MaxBatch);

    /// <summary>Queues a notification attempt; delivery does not wait for it to be stored.</summary>
    public void Record(NotificationAttempt attempt) => _queue.TryQueue(new PendingChange { Attempt = attempt });

    /// <summary>Puts deliveries in the outbox, owned by this silo; completes once they are durable.</summary>
    public Task QueueAsync(IReadOnlyList<OutboxEntry> deliveries) =>
        deliveries.Count == 0 ? Task.CompletedTask : Enqueue(new PendingChange { Queued = deliveries });

    /// <summary>Takes a delivery out of the outbox once a receiver acknowledged it; keeps it, marked failed, once retries gave up.</summary>
    public void Settle(OutboxEntry delivery, bool delivered) =>
        _queue.TryQueue(new PendingChange { Settled = (delivery, delivered) });

    /// <summary>
    /// Takes over the pending deliveries of every owner not in <paramref name="live"/> (silos stopped or dead, this
    /// silo's earlier lives included) and completes with them.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> AdoptAsync(IReadOnlySet<string> live)
    {
        var pending = new PendingChange { Adoption = new Adoption(live) };
        await Enqueue(pending);
        return pending.Adoption.Adopted;
    }

    public void Participate(ISiloLifecycle lifecycle) => _queue.Participate(lifecycle, nameof(NotificationOutbox), Run);

    private Task Enqueue(PendingChange pending) => _queue.Enqueue(pending, "notification outbox");

    private async Task Run()
    {
        using var connection = connections.Open();
        using var attempt = connection.CreateCommand();
        attempt.CommandText = "INSERT INTO notifications (at, alert_id, attempt) VALUES (@at, @alert_id, @attempt);";
        foreach (var name in (string[])["@at", "@alert_id", "@attempt"])
        {
            attempt.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        await foreach (var batch in _queue.Batches())
        {
            GroupCommitQueue<PendingChange>.Commit(connection, batch, transaction => Write(connection, attempt, transaction, batch), error => LogBatchFailed(logger, batch.Count, error));
        }
    }

    private void Write(SqliteConnection connection, SqliteCommand attempt, SqliteTransaction transaction, List<PendingChange> batch)
    {
        attempt.Transaction = transaction;
        foreach (var pending in batch)
        {
            if (pending.Attempt is { } a)
            {
                attempt.Parameters["@at"].Value = UnixMicroseconds.From(a.At);
                attempt.Parameters["@alert_id"].Value = a.AlertId;
                attempt.Parameters["@attempt"].Value = JsonSerializer.Serialize(a, MonitoringJsonContext.Default.NotificationAttempt);
                attempt.ExecuteNonQuery();
            }

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

    /// <summary>One change to commit: an attempt, deliveries queued, one settled, or an adoption.</summary>
    private sealed record PendingChange : PendingCommit
    {
        public NotificationAttempt? Attempt { get; init; }

        public IReadOnlyList<OutboxEntry> Queued { get; init; } = [];

        public (OutboxEntry Delivery, bool Delivered)? Settled { get; init; }

        public Adoption? Adoption { get; init; }
    }

    [LoggerMessage(1, LogLevel.Error, "Could not write {Count} outbox changes and notification attempts")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
