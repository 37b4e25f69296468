using System.Diagnostics.CodeAnalysis;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// Samples waiting to be sent, between the collector and the sender. A taken sample stays held until it is
/// acknowledged or put back, so a crash in between sends it again instead of losing it.
/// </summary>
internal interface ISampleQueue
{
    int Count { get; }

    /// <summary>Adds the newest sample; it is sent before older ones. When full, the oldest sample is dropped and counted.</summary>
    void Enqueue(MetricsReport sample);

    /// <summary>Puts back a sample whose send did not complete; it is sent again in timestamp order with the backlog.</summary>
    void Requeue(MetricsReport sample);

    /// <summary>The server accepted a taken sample, or rejected it for good: it leaves the queue.</summary>
    void Acknowledge(MetricsReport sample);

    /// <summary>Takes the live (newest, never tried) sample if there is one, otherwise the oldest waiting sample.</summary>
    bool TryDequeue([NotNullWhen(true)] out MetricsReport? sample);

    /// <summary>Completes when at least one sample is waiting.</summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);
}
