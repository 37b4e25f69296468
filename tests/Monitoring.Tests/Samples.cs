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

    /// <summary>A sample carrying every optional detail of the wire format, as the full agent sends it.</summary>
    public static MetricsReport Detailed(string agentId, DateTimeOffset timestamp) => Sample(agentId, timestamp) with
    {
        System = Sample(agentId, timestamp).System! with
        {
            Cpu = new CpuMetrics { Count = 2, PerCore = [10, 15], User = 8, System = 3, Iowait = 1, Steal = 0.5 },
            Load = new LoadAverage { Load1 = 0.5, Load5 = 0.25, Load15 = 0.125 },
            Swap = new SwapMetrics { Total = 2_000, Used = 500, Free = 1_500, Percent = 25 },
            Disks =
            [
                new MountMetrics { Mount = "/", Device = "/dev/sda1", FsType = "ext4", Total = 100, Used = 40, Free = 60, Percent = 40, InodesPercent = 5 },
                new MountMetrics { Mount = "/home", Device = "/dev/sda2", FsType = "xfs", Total = 200, Used = 190, Free = 10, Percent = 95, InodesPercent = 1 },
            ],
            DiskIo = [new DiskIoMetrics { Device = "sda", ReadBytesPerSec = 4096, WriteBytesPerSec = 8192 }],
            Interfaces = [new InterfaceMetrics { Name = "eth0", RxBytesPerSec = 1000, TxBytesPerSec = 500, RxPacketsPerSec = 10, TxPacketsPerSec = 5, RxErrorsPerSec = 0, TxErrorsPerSec = 0, RxDropsPerSec = 0, TxDropsPerSec = 0 }],
            UptimeSeconds = 3600,
            BootTime = timestamp.AddHours(-1),
            Sensors = new SensorMetrics
            {
                Temperatures =
                [
                    new TemperatureMetrics { Name = "coretemp/Package id 0", Celsius = 54, HighCelsius = 80, CriticalCelsius = 100 },
                    new TemperatureMetrics { Name = "acpitz/temp1", Celsius = 27.8 },
                ],
                Fans = [new FanMetrics { Name = "nct6798/fan2", Rpm = 1150 }],
                CpuFrequencyMhz = 1975,
                CpuThrottleCount = 3,
                PackageThrottleCount = 1,
            },
            Processes = new TopProcesses
            {
                Total = 213,
                ByCpu = [new ProcessMetrics { Pid = 1234, Name = "postgres", CpuPercent = 150, RssBytes = 251_658_240 }, new ProcessMetrics { Pid = 1, Name = "systemd", CpuPercent = 0.5, RssBytes = 13_271_040 }],
                ByMemory = [new ProcessMetrics { Pid = 1234, Name = "postgres", CpuPercent = 150, RssBytes = 251_658_240 }],
            },
        },
        Agent = new AgentHealth { Version = "1.2.3", Os = "Linux", SpoolDepth = 3, SpoolBytes = 1024, OldestUnsentSeconds = 20, DroppedTotal = 0, RejectedTotal = 0, ClockOffsetMs = -1.5, SpoolMemorySamples = 2, SpoolError = "No space left on device" },
    };

    /// <summary>A time a little in the past with whole microseconds, as history stores it.</summary>
    public static DateTimeOffset RecentTime(int secondsAgo = 60) =>
        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToUnixTimeMilliseconds());
}
