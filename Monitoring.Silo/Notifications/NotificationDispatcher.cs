using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Monitoring.Contracts;

namespace Monitoring.Silo.Notifications;

/// <summary>
/// The silo's notification queue: each notification becomes one delivery per receiver, deduplicated by notification id
/// and written to the outbox before it is sent, sent by a few workers through the <c>alert-notifications</c> HTTP client
/// (retries with exponential backoff and jitter), every attempt recorded by <see cref="DeliveryAttemptRecorder"/>, or as
/// mail by <see cref="EmailSender"/> (the same retries, attempts recorded alike). A
/// delivery leaves the outbox once a receiver acknowledged it; the pending deliveries of silos that are gone (a crash of
/// this one included) are adopted and sent again when a silo becomes active and whenever membership changes.
/// </summary>
public sealed partial class NotificationDispatcher(
    IHttpClientFactory clients,
    EmailSender email,
    NotificationOutbox outbox,
    IClusterMembershipService membership,
    IOptions<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public const string ClientName = "alert-notifications";
    private const int Workers = 4;
    private const int RememberedIds = 10_000;
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    public static readonly HttpRequestOptionsKey<DeliveryContext> Context = new("monitoring.delivery");

    private readonly Channel<OutboxEntry> _queue = Channel.CreateUnbounded<OutboxEntry>();
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _seenOrder = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Writes a delivery per receiver the notifications concern to the outbox, then queues them; completes once they are
    /// durable. A notification id already queued is dropped.
    /// </summary>
    public async Task QueueAsync(IReadOnlyList<AlertNotification> notifications)
    {
        var deliveries = new List<OutboxEntry>();
        foreach (var notification in notifications)
        {
            foreach (var receiver in options.Value.Receivers)
            {
                if (notification.AlertmanagerOnly && receiver.Type != ReceiverOptions.Alertmanager
                    || notification.Status == "resolved" && !receiver.SendResolved)
                {
                    continue;
                }

                var delivery = new OutboxEntry(receiver.Name, notification);
                if (Remember(delivery))
                {
                    deliveries.Add(delivery);
                }
            }
        }

        try
        {
            await outbox.QueueAsync(deliveries);
        }
        catch
        {
            // Not durable, so not queued: the grain's caller sees the failure and the sample's retry plans it again.
            foreach (var delivery in deliveries)
            {
                _seen.TryRemove(delivery.Key, out _);
            }

            throw;
        }

        Send(deliveries);
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        Task[] running = [];
        var adopting = Task.CompletedTask;
        lifecycle.Subscribe(
            nameof(NotificationDispatcher),
            ServiceLifecycleStage.ApplicationServices,
            _ =>
            {
                running = [.. Enumerable.Range(0, Workers).Select(_ => Task.Run(Work))];
                return Task.CompletedTask;
            },
            async cancellation =>
            {
                // Deliveries already queued (also those of grains deactivated on the way down) get a short grace to leave,
                // none on a hard stop; the rest stay in the outbox for the next silo to start.
                _queue.Writer.TryComplete();
                var drained = Task.WhenAll(running);
                await Task.WhenAny(drained, Task.Delay(ShutdownGrace, cancellation));
                await _stopping.CancelAsync();
                await drained;
                await adopting;
            });
        lifecycle.Subscribe(
            nameof(NotificationDispatcher),
            ServiceLifecycleStage.Active,
            _ =>
            {
                adopting = Task.Run(AdoptAsync);
                return Task.CompletedTask;
            });
    }

    /// <summary>Adopts the outbox of every silo not alive, now and after each membership change.</summary>
    private async Task AdoptAsync()
    {
        try
        {
            await AdoptAsync(membership.CurrentSnapshot);
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stopping.Token))
            {
                await AdoptAsync(snapshot);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogAdoptionFailed(logger, e);
        }
    }

    private async Task AdoptAsync(ClusterMembershipSnapshot snapshot)
    {
        var live = snapshot.Members.Values
            .Where(m => m.Status != SiloStatus.Dead)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToHashSet(StringComparer.Ordinal);
        var adopted = await outbox.AdoptAsync(live);
        if (adopted.Count > 0)
        {
            LogAdopted(logger, adopted.Count);
            foreach (var delivery in adopted)
            {
                Remember(delivery);
            }

            Send(adopted);
        }
    }

    private bool Remember(OutboxEntry delivery)
    {
        if (!_seen.TryAdd(delivery.Key, 0))
        {
            return false;
        }

        _seenOrder.Enqueue(delivery.Key);
        while (_seenOrder.Count > RememberedIds && _seenOrder.TryDequeue(out var old))
        {
            _seen.TryRemove(old, out _);
        }

        return true;
    }

    private void Send(IReadOnlyList<OutboxEntry> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            if (_queue.Writer.TryWrite(delivery))
            {
                NotificationTelemetry.Queued.Add(1);
            }
        }
    }

    private async Task Work()
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync())
        {
            var receiver = options.Value.Receivers.FirstOrDefault(r => r.Name == delivery.Receiver);
            if (receiver is null)
            {
                LogUnknownReceiver(logger, delivery.Notification.Id, delivery.Receiver);
                outbox.Settle(delivery, delivered: false);
                continue;
            }

            try
            {
                outbox.Settle(delivery, await SendAsync(receiver, delivery.Notification));
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Cut off by the silo stopping: it stays pending in the outbox and is sent again after the restart.
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                || EmailSender.IsFailure(e))
            {
                LogGaveUp(logger, delivery.Notification.Id, delivery.Receiver, e.Message);
                outbox.Settle(delivery, delivered: false);
            }
        }
    }

    /// <summary>Sends one delivery, retries included; true once the receiver acknowledged it.</summary>
    private async Task<bool> SendAsync(ReceiverOptions receiver, AlertNotification notification)
    {
        var link = $"{options.Value.PublicUrl.TrimEnd('/')}/api/v1/alerts?agent_id={Uri.EscapeDataString(notification.Alert.AgentId)}";
        if (receiver.Type == ReceiverOptions.Email)
        {
            await email.SendAsync(receiver, notification, link, _stopping.Token);
            return true;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Endpoint);
        request.Content = receiver.Type switch
        {
            ReceiverOptions.Alertmanager => JsonContent(NotificationPayloads.Alertmanager(notification, link, options.Value), MonitoringJsonContext.Default.IReadOnlyListAlertmanagerAlert),
            ReceiverOptions.Slack => JsonContent(NotificationPayloads.Slack(notification, link), MonitoringJsonContext.Default.SlackMessage),
            ReceiverOptions.Teams => JsonContent(NotificationPayloads.Teams(notification, link), MonitoringJsonContext.Default.TeamsMessage),
            ReceiverOptions.PagerDuty => JsonContent(NotificationPayloads.PagerDuty(notification, receiver, link), MonitoringJsonContext.Default.PagerDutyEvent),
            _ => JsonContent(NotificationPayloads.Webhook(notification, receiver, link), MonitoringJsonContext.Default.WebhookNotification),
        };
        request.Options.Set(Context, new DeliveryContext(notification.Id, receiver.Name, notification.Alert.Id, notification.Status));
        using var response = await clients.CreateClient(ClientName).SendAsync(request, _stopping.Token);
        if (!response.IsSuccessStatusCode)
        {
            LogRefused(logger, notification.Id, receiver.Name, (int)response.StatusCode);
        }

        return response.IsSuccessStatusCode;
    }

    private static ByteArrayContent JsonContent<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [LoggerMessage(1, LogLevel.Warning, "Notification {NotificationId} to {Receiver} gave up: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string notificationId, string receiver, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Notification {NotificationId} to {Receiver} was refused with HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string notificationId, string receiver, int status);

    [LoggerMessage(3, LogLevel.Warning, "Notification {NotificationId} is for receiver {Receiver}, which is no longer configured")]
    private static partial void LogUnknownReceiver(ILogger logger, string notificationId, string receiver);

    [LoggerMessage(4, LogLevel.Information, "Adopted {Count} pending deliveries from the outbox of silos that are gone")]
    private static partial void LogAdopted(ILogger logger, int count);

    [LoggerMessage(5, LogLevel.Error, "Could not adopt the outbox of silos that are gone")]
    private static partial void LogAdoptionFailed(ILogger logger, Exception exception);
}
