using System.Diagnostics.CodeAnalysis;
using Monitoring.Agent.Sending;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

internal static class SampleQueueExtensions
{
    /// <summary>Takes what the sender would take next one at a time: the live sample, else the oldest of the backlog.</summary>
    public static bool TryDequeue(this ISampleQueue queue, [NotNullWhen(true)] out MetricsReport? sample)
    {
        if (queue.TryDequeueLive(out sample))
        {
            return true;
        }

        sample = queue.DequeueBacklog(1, long.MaxValue).SingleOrDefault();
        return sample is not null;
    }
}
