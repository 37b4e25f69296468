using System.Diagnostics.Metrics;

namespace Monitoring.Silo.Notifications;

/// <summary>Notification delivery's meters, under the "Monitoring" meter name that ServiceDefaults exports.</summary>
public static class NotificationTelemetry
{
    private static readonly Meter Meter = new(MonitoringTelemetry.Name);

    public static readonly Counter<long> Queued = Meter.CreateCounter<long>("monitoring.notifications.queued", "{delivery}", "Deliveries queued, one per notification and receiver.");

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>("monitoring.notifications.attempts", "{attempt}", "Delivery attempts, by receiver and outcome.");
}
