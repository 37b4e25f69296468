using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Monitoring.Contracts;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The silo's notification queue: each notification becomes one delivery per receiver, deduplicated by notification id,
/// sent by a few workers through the <c>alert-notifications</c> HTTP client (retries with exponential backoff and jitter),
/// every attempt recorded by <see cref="DeliveryAttemptRecorder"/>.
/// </summary>
public sealed partial class NotificationDispatcher(
    IHttpClientFactory clients,
    IOptions<AlertingOptions> options,
    ILogger<NotificationDispatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public const string ClientName = "alert-notifications";
    private const int Workers = 4;
    private const int RememberedIds = 10_000;
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    public static readonly HttpRequestOptionsKey<DeliveryContext> Context = new("monitoring.delivery");

    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>();
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _seenOrder = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Queues the notification for each receiver it concerns; a notification id already queued is dropped.</summary>
    public void Enqueue(AlertNotification notification)
    {
        foreach (var receiver in options.Value.Receivers)
        {
            if (notification.AlertmanagerOnly && receiver.Type != ReceiverOptions.Alertmanager
                || notification.Status == "resolved" && !receiver.SendResolved)
            {
                continue;
            }

            var key = receiver.Name + "|" + notification.Id;
            if (!_seen.TryAdd(key, 0))
            {
                continue;
            }

            _seenOrder.Enqueue(key);
            while (_seenOrder.Count > RememberedIds && _seenOrder.TryDequeue(out var old))
            {
                _seen.TryRemove(old, out _);
            }

            if (_queue.Writer.TryWrite(new Delivery(receiver, notification)))
            {
                AlertingTelemetry.Queued.Add(1);
            }
        }
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        Task[] running = [];
        lifecycle.Subscribe(
            nameof(NotificationDispatcher),
            ServiceLifecycleStage.ApplicationServices,
            _ =>
            {
                running = [.. Enumerable.Range(0, Workers).Select(_ => Task.Run(Work))];
                return Task.CompletedTask;
            },
            async _ =>
            {
                // Deliveries already queued (also those of grains deactivated on the way down) get a short grace to leave.
                _queue.Writer.TryComplete();
                var drained = Task.WhenAll(running);
                await Task.WhenAny(drained, Task.Delay(ShutdownGrace));
                await _stopping.CancelAsync();
                await drained;
            });
    }

    private async Task Work()
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await SendAsync(delivery);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
            {
                LogGaveUp(logger, delivery.Notification.Id, delivery.Receiver.Name, e.Message);
            }
        }
    }

    private async Task SendAsync(Delivery delivery)
    {
        var (receiver, notification) = delivery;
        var link = $"{options.Value.PublicUrl.TrimEnd('/')}/api/v1/alerts?agent_id={Uri.EscapeDataString(notification.Alert.AgentId)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Type == ReceiverOptions.Alertmanager
            ? new Uri(receiver.Url.TrimEnd('/') + "/api/v2/alerts")
            : new Uri(receiver.Url));
        request.Content = receiver.Type == ReceiverOptions.Alertmanager
            ? JsonContent(Alertmanager(notification, link, options.Value), MonitoringJsonContext.Default.IReadOnlyListAlertmanagerAlert)
            : JsonContent(Webhook(notification, receiver, link), MonitoringJsonContext.Default.WebhookNotification);
        request.Options.Set(Context, new DeliveryContext(notification.Id, receiver.Name, notification.Alert.Id, notification.Status));
        using var response = await clients.CreateClient(ClientName).SendAsync(request, _stopping.Token);
        if (!response.IsSuccessStatusCode)
        {
            LogRefused(logger, notification.Id, receiver.Name, (int)response.StatusCode);
        }
    }

    private static ByteArrayContent JsonContent<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static WebhookNotification Webhook(AlertNotification notification, ReceiverOptions receiver, string link) => new()
    {
        NotificationId = notification.Id,
        Receiver = receiver.Name,
        Status = notification.Status,
        Repeat = notification.Repeat,
        Transition = notification.Transition,
        Value = notification.Alert.Value,
        Link = link,
        Alert = notification.Alert,
    };

    private static IReadOnlyList<AlertmanagerAlert> Alertmanager(AlertNotification notification, string link, AlertingOptions options)
    {
        var alert = notification.Alert;
        var labels = new Dictionary<string, string>(alert.Labels)
        {
            ["alertname"] = alert.RuleName,
            ["rule_id"] = alert.RuleId,
            ["agent_id"] = alert.AgentId,
            ["agent_name"] = alert.AgentName,
            ["series"] = alert.Series,
            ["severity"] = alert.Severity,
        };
        return
        [
            new AlertmanagerAlert
            {
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    ["summary"] = alert.Summary,
                    ["value"] = alert.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                StartsAt = alert.FiredAt ?? alert.StartedAt,
                // A firing alert expires in Alertmanager unless re-sent: three re-send intervals leave room for two misses.
                EndsAt = notification.Status == "resolved" ? alert.ResolvedAt ?? notification.At : notification.At + 3 * options.AlertmanagerResendInterval,
                GeneratorUrl = link,
            },
        ];
    }

    private sealed record Delivery(ReceiverOptions Receiver, AlertNotification Notification);

    [LoggerMessage(1, LogLevel.Warning, "Notification {NotificationId} to {Receiver} gave up: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string notificationId, string receiver, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Notification {NotificationId} to {Receiver} was refused with HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string notificationId, string receiver, int status);
}

/// <summary>What the attempt recorder needs to know about a request.</summary>
public sealed record DeliveryContext(string NotificationId, string Receiver, string AlertId, string Status)
{
    public int Attempts { get; set; }
}

/// <summary>Sits inside the retry handler, so it sees and records every attempt, not just the final outcome.</summary>
public sealed class DeliveryAttemptRecorder(AlertHistoryWriter writer, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(NotificationDispatcher.Context, out var context))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        context.Attempts++;
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            writer.Record(Attempt(context, at, started, response.IsSuccessStatusCode ? "delivered" : "failed", (int)response.StatusCode, null));
            return response;
        }
        catch (Exception e)
        {
            writer.Record(Attempt(context, at, started, "failed", null, e.Message));
            throw;
        }
    }

    private static NotificationAttempt Attempt(DeliveryContext context, DateTimeOffset at, long started, string outcome, int? status, string? error)
    {
        AlertingTelemetry.Attempts.Add(1, new KeyValuePair<string, object?>("receiver", context.Receiver), new KeyValuePair<string, object?>("outcome", outcome));
        return new()
        {
            NotificationId = context.NotificationId,
            Receiver = context.Receiver,
            AlertId = context.AlertId,
            Status = context.Status,
            Attempt = context.Attempts,
            At = at,
            Outcome = outcome,
            HttpStatus = status,
            Error = error,
            DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }
}
