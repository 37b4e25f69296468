using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Monitoring.Silo;

/// <summary>The silo's own spans and meters, exported under the "Monitoring" name that ServiceDefaults subscribes to.</summary>
public static class MonitoringTelemetry
{
    public const string Name = "Monitoring";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> SamplesStored = Meter.CreateCounter<long>("monitoring.history.samples_stored", "{sample}", "Samples committed to history (duplicates of a stored sample count once).");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("monitoring.history.batch_size", "{sample}", "Samples per history transaction.");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("monitoring.history.batch_duration", "ms", "Time to write and commit one history batch.");
}
