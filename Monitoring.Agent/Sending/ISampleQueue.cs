using System.Diagnostics.CodeAnalysis;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// Samples waiting to be sent. The in-memory <see cref="BoundedSampleQueue"/> is one implementation; a disk spool
/// that survives restarts can take its place without the collector or the sender changing.
/// </summary>
internal interface ISampleQueue
{
    int Count { get; }

    /// <summary>Adds the newest sample; it is sent before older ones. When full, the oldest sample is dropped and counted.</summary>
    void Enqueue(MetricsReport sample);

    /// <summary>Puts back a sample whose send did not complete; it is sent again in timestamp order with the backlog.</summary>
    void Requeue(MetricsReport sample);

    /// <summary>Takes the live (newest, never tried) sample if there is one, otherwise the oldest waiting sample.</summary>
    bool TryDequeue([NotNullWhen(true)] out MetricsReport? sample);

    /// <summary>Completes when at least one sample is waiting.</summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);
}
