using System.Diagnostics.CodeAnalysis;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// Samples waiting to be sent, between the collector and the sender. A taken sample stays held until it is
/// acknowledged, rejected or put back, so a crash in between sends it again instead of losing it.
/// </summary>
internal interface ISampleQueue
{
    /// <summary>Samples waiting to be taken (the live one and the backlog).</summary>
    int Count { get; }

    /// <summary>The spool's state for the agent's health report.</summary>
    SpoolStatus Status { get; }

    /// <summary>Adds the newest sample; it is sent before older ones. When full, the oldest sample is dropped and counted.</summary>
    void Enqueue(MetricsReport sample);

    /// <summary>Puts back a sample whose send did not complete; it is sent again in timestamp order with the backlog.</summary>
    void Requeue(MetricsReport sample);

    /// <summary>The server accepted a taken sample: it leaves the queue.</summary>
    void Acknowledge(MetricsReport sample);

    /// <summary>The server refused a taken sample for good: it is moved aside with the server's answer, counted, and leaves the queue.</summary>
    void Reject(MetricsReport sample, int statusCode, string problem);

    /// <summary>Takes the live sample (the newest, never tried) if there is one.</summary>
    bool TryDequeueLive([NotNullWhen(true)] out MetricsReport? sample);

    /// <summary>Takes the oldest waiting samples, in timestamp order, up to <paramref name="maxCount"/> and (beyond the first) <paramref name="maxBytes"/>.</summary>
    IReadOnlyList<MetricsReport> DequeueBacklog(int maxCount, long maxBytes);

    /// <summary>Drops the server has not been told about; held as being reported until <see cref="SettleDropReport"/>.</summary>
    SpoolDrops? TakeUnreportedDrops();

    /// <summary>Ends the report taken by <see cref="TakeUnreportedDrops"/>: forgotten once delivered, else reported again with the next send.</summary>
    void SettleDropReport(bool delivered);

    /// <summary>Completes when at least one sample is waiting.</summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);

    /// <summary>Completes when a live sample is waiting.</summary>
    ValueTask WaitForLiveAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Unacknowledged samples (waiting and in flight), their bytes, the oldest one's timestamp, what was dropped or rejected
/// since start, and, while the spool's directory refuses writes, why and how many samples are kept in memory only.
/// </summary>
internal sealed record SpoolStatus(int Depth, long Bytes, DateTimeOffset? OldestUnsent, long DroppedTotal, long RejectedTotal, int InMemory, string? Failure);
