namespace Monitoring.ServiceDefaults;

/// <summary>What the traces carry, bound from the <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Also record the traces of work no request started: grain timer ticks, the rule-refresh poll, start-up sweeps and
    /// Orleans' own system calls. Off by default: each silo makes such calls every second, and they bury the samples' traces.
    /// </summary>
    public bool TracePeriodicWork { get; set; }
}
