using Monitoring.Contracts;

namespace Monitoring.Tests;

/// <summary>Seed-shaped samples for tests; every test uses its own agent ids so tests never see each other's data.</summary>
public static class Samples
{
    public static string NewAgentId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";

    public static MetricsReport Sample(string agentId, DateTimeOffset timestamp, double cpu = 12.5, string? name = null) => new()
    {
        AgentId = agentId,
        AgentName = name ?? $"host {agentId}",
        Timestamp = timestamp,
        IntervalSeconds = 60,
        System = new SystemMetrics
        {
            CpuPercent = cpu,
            Memory = new MemoryMetrics { Total = 8_000_000_000, Available = 6_000_000_000, Used = 2_000_000_000, Percent = 25 },
            Disk = new DiskMetrics { Total = 100_000_000_000, Used = 40_000_000_000, Free = 60_000_000_000, Percent = 40 },
        },
        Network =
        [
            new NetworkCheck { Host = "db.internal", Port = 5432, Status = "up", LatencyMs = 1.25, Kind = "tcp" },
            new NetworkCheck { Url = "https://example.org/health", StatusCode = 200, Status = "degraded", LatencyMs = 812 },
        ],
    };

    /// <summary>A time a little in the past with whole microseconds, as history stores it.</summary>
    public static DateTimeOffset RecentTime(int secondsAgo = 60) =>
        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToUnixTimeMilliseconds());
}
