namespace Monitoring.Agent.Sending;

/// <summary>Exponential backoff with full jitter: retry n waits a uniform random time in [0, min(cap, base * 2^n)).</summary>
internal static class Backoff
{
    /// <summary>The upper bound of the delay before retry <paramref name="attempt"/> (0 for the first retry).</summary>
    public static TimeSpan Ceiling(int attempt, TimeSpan baseDelay, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var exponential = baseDelay.TotalSeconds * Math.Pow(2, attempt);
        return TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, exponential));
    }

    public static TimeSpan FullJitter(int attempt, TimeSpan baseDelay, TimeSpan cap, Random random) =>
        Ceiling(attempt, baseDelay, cap) * random.NextDouble();
}
