namespace Monitoring.Silo.Liveness;

/// <summary>
/// One agent's liveness at a glance: its newest sample, when its grain began watching it, and its collection interval.
/// Liveness counts from the later of the two times, so a restarted silo gives every agent one grace period.
/// </summary>
public readonly record struct LivenessClock(DateTimeOffset LastSeen, DateTimeOffset WatchedSince, double IntervalSeconds, int MissedIntervalsBeforeDown)
{
    public DateTimeOffset Baseline => LastSeen > WatchedSince ? LastSeen : WatchedSince;

    public TimeSpan DownAfter => AgentLiveness.DownAfter(IntervalSeconds, MissedIntervalsBeforeDown);

    /// <summary>The first moment the agent is overdue: the liveness timer runs then.</summary>
    public DateTimeOffset Deadline => Baseline + DownAfter + TimeSpan.FromMilliseconds(1);

    public bool IsOverdue(DateTimeOffset now) => now - Baseline > DownAfter;

    /// <summary>The one status function: the agent's own view and the fleet list both call it, with the same stored facts.</summary>
    public string Status(DateTimeOffset now) =>
        IsOverdue(now) ? "down"
            : now - Baseline > TimeSpan.FromSeconds(IntervalSeconds * AgentLiveness.LateAfterIntervals) ? "late"
            : "up";
}
