namespace Monitoring.Silo.Liveness;

/// <summary>
/// An agent is <c>up</c> while its newest sample is at most one and a half collection intervals old (one expected sample,
/// with half an interval for jitter), <c>late</c> after that, and <c>down</c> once it missed
/// <see cref="MissedIntervalsBeforeDown"/> intervals.
/// </summary>
public static class AgentLiveness
{
    public const double DefaultIntervalSeconds = 60;
    public const int MissedIntervalsBeforeDown = 3;
    public const double LateAfterIntervals = 1.5;

    public static TimeSpan DownAfter(double intervalSeconds, int missedIntervalsBeforeDown) =>
        TimeSpan.FromSeconds(intervalSeconds * missedIntervalsBeforeDown);
}
