using System.Diagnostics.Metrics;

namespace Monitoring.Silo.Alerts;

/// <summary>Alerting's meter, under the "Monitoring" meter name that ServiceDefaults exports.</summary>
public static class AlertingTelemetry
{
    private static readonly Meter Meter = new(MonitoringTelemetry.Name);

    public static readonly Counter<long> Transitions = Meter.CreateCounter<long>("monitoring.alerts.transitions", "{transition}", "Alert state changes, by the state entered (tag to).");
}
