namespace Monitoring.Silo.Ingest;

/// <summary>An agent is up while a sample arrived within three of its collection intervals.</summary>
public static class Liveness
{
    public const double DefaultIntervalSeconds = 60;
    public const int MissedIntervalsBeforeDown = 3;

    public static string Status(DateTimeOffset now, DateTimeOffset lastSeen, double intervalSeconds) =>
        now - lastSeen <= TimeSpan.FromSeconds(intervalSeconds * MissedIntervalsBeforeDown) ? "up" : "down";
}
