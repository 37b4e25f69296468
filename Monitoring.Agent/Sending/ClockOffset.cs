namespace Monitoring.Agent.Sending;

/// <summary>
/// Server clock minus agent clock, from the <c>Date</c> header of each answer: the header is taken as the server's time
/// at the middle of the round trip, and successive estimates are smoothed, which also averages out the header's
/// one-second resolution.
/// </summary>
internal sealed class ClockOffset
{
    /// <summary>Weight of a new estimate; about the last ten answers make the smoothed value.</summary>
    public const double Smoothing = 0.1;

    /// <summary>A <c>Date</c> header is truncated to the second, so the server's time was on average half a second later.</summary>
    private static readonly TimeSpan HalfResolution = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private double? _offsetMs;

    public double? Milliseconds
    {
        get
        {
            lock (_lock)
            {
                return _offsetMs;
            }
        }
    }

    public void Observe(DateTimeOffset serverDate, DateTimeOffset sentAt, DateTimeOffset receivedAt)
    {
        var agentMidpoint = sentAt + ((receivedAt - sentAt) / 2);
        var estimate = (serverDate + HalfResolution - agentMidpoint).TotalMilliseconds;
        lock (_lock)
        {
            _offsetMs = _offsetMs is { } previous ? previous + (Smoothing * (estimate - previous)) : estimate;
        }
    }
}
