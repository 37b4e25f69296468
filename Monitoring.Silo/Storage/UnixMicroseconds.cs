namespace Monitoring.Silo.Storage;

/// <summary>Microseconds since the Unix epoch: the stored time unit (history, alert and notification tables), fine enough to keep the seed's timestamps distinct.</summary>
public static class UnixMicroseconds
{
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset ToTime(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>The time as the store keeps it, so what memory holds equals what a reactivation reads back.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => ToTime(From(time));
}
