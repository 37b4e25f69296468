using System.Reflection;
using System.Runtime.InteropServices;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>Adds the agent's own health, as it is when the sample is spooled, to a collected sample.</summary>
internal sealed class AgentHealthStamp(ISampleQueue queue, ClockOffset clock, TimeProvider time)
{
    private static readonly string Version =
        typeof(AgentHealthStamp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static readonly string Os = $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})";

    public MetricsReport Stamp(MetricsReport sample)
    {
        var spool = queue.Status;
        return sample with
        {
            Agent = new AgentHealth
            {
                Version = Version,
                Os = Os,
                SpoolDepth = spool.Depth,
                SpoolBytes = spool.Bytes,
                OldestUnsentSeconds = spool.OldestUnsent is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0,
                DroppedTotal = spool.DroppedTotal,
                RejectedTotal = spool.RejectedTotal,
                SpoolMemorySamples = spool.InMemory,
                SpoolError = spool.Failure,
                ClockOffsetMs = clock.Milliseconds is { } offset ? Math.Round(offset, 1) : null,
            },
        };
    }
}
