using Monitoring.Contracts;

namespace Monitoring.Bench.History;

/// <summary>Where one loaded agent's samples come from: a simulated host or the real agent's recorded bodies.</summary>
public interface ISampleSource
{
    /// <summary>How long before the end of the load this agent takes its last sample: a fleet's agents do not sample in step.</summary>
    TimeSpan Phase { get; }

    /// <summary>The agent's next sample, taken at <paramref name="timestamp"/> (samples are taken oldest first).</summary>
    MetricsReport Next(DateTimeOffset timestamp);
}
