using System.Diagnostics;
using Monitoring.Contracts;

namespace Monitoring.Silo.Notifications;

/// <summary>Sits inside the retry handler, so it sees and records every attempt, not just the final outcome.</summary>
public sealed class DeliveryAttemptRecorder(NotificationOutbox outbox, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : DelegatingHandler
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
            outbox.Record(Attempt(context, at, started, response.IsSuccessStatusCode ? "delivered" : "failed", (int)response.StatusCode, null));
            return response;
        }
        catch (Exception e)
        {
            outbox.Record(Attempt(context, at, started, "failed", null, e.Message));
            throw;
        }
    }

    /// <summary>One attempt as recorded, counted in the attempts meter; SMTP deliveries record theirs with it too.</summary>
    public static NotificationAttempt Attempt(DeliveryContext context, DateTimeOffset at, long started, string outcome, int? status, string? error)
    {
        NotificationTelemetry.Attempts.Add(1, new KeyValuePair<string, object?>("receiver", context.Receiver), new KeyValuePair<string, object?>("outcome", outcome));
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
