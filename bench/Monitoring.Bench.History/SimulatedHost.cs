using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Bench.History;

/// <summary>
/// One Linux host as our agent reports it: fixed hardware (4 cores, memory, three mounts on one disk, eth0, two or three
/// network checks) and readings that wander from sample to sample around a daily rhythm, rounded as the agent rounds
/// them (percents and rates to 0.1, load to 0.01, check latency to 0.001 ms). Samples must be taken oldest first.
/// </summary>
public sealed class SimulatedHost : ISampleSource
{
    private const int Cores = 4;
    private const long Gib = 1L << 30;

    private static readonly string[] MountPoints = ["/", "/boot", "/home"];

    private readonly Random _random;
    private readonly string _agentId;
    private readonly string _agentName;
    private readonly int _intervalSeconds;
    private readonly long _memoryTotal;
    private readonly long _swapTotal;
    private readonly long[] _mountTotals;
    private readonly long[] _mountUsed;
    private readonly double[] _inodesPercent;
    private readonly DateTimeOffset _bootTime;
    private readonly double _cpuBase;
    private readonly double _memoryBase;
    private readonly double _networkBase;
    private readonly bool _pingsGateway;

    private double _cpu;
    private double _memory;
    private double _swapUsed;
    private double _load1;
    private double _load5;
    private double _load15;
    private double _clockOffset;

    public SimulatedHost(int index, int intervalSeconds, DateTimeOffset firstSample, int seed)
    {
        // HashCode is seeded per process; the hosts must be the same in every run.
        _random = new Random(unchecked((seed * 1_000_003) + index));
        _agentId = AgentId(index);
        _agentName = string.Create(CultureInfo.InvariantCulture, $"host-{index:D5}.bench.internal");
        _intervalSeconds = intervalSeconds;
        // /proc/meminfo reports a little less than the installed memory: the kernel keeps some for itself.
        _memoryTotal = ((4L << _random.Next(0, 4)) * Gib) - (_random.Next(200, 400) * 1024L * 1024);
        _swapTotal = 2 * Gib;
        _mountTotals = [(50 + (_random.Next(0, 4) * 50)) * Gib, Gib - (48 * 1024 * 1024), (100 + (_random.Next(0, 10) * 100)) * Gib];
        _mountUsed = [.. _mountTotals.Select(total => (long)(total * (0.2 + (_random.NextDouble() * 0.5))) / 4096 * 4096)];
        _inodesPercent = [.. MountPoints.Select(_ => Math.Round(1 + (_random.NextDouble() * 10), 1))];
        // The kernel's btime is in whole seconds.
        _bootTime = DateTimeOffset.FromUnixTimeSeconds((firstSample - TimeSpan.FromDays(1 + (_random.NextDouble() * 60))).ToUnixTimeSeconds());
        _cpuBase = 5 + (_random.NextDouble() * 30);
        _memoryBase = 0.3 + (_random.NextDouble() * 0.4);
        _networkBase = 20_000 + (_random.NextDouble() * 200_000);
        _pingsGateway = index % 3 != 2;
        Phase = TimeSpan.FromMicroseconds(_random.NextInt64(0, intervalSeconds * 1_000_000L));
        _cpu = _cpuBase;
        _memory = _memoryBase;
        _swapUsed = _swapTotal * _random.NextDouble() * 0.05;
        _load1 = _load5 = _load15 = Cores * _cpuBase / 100;
    }

    public TimeSpan Phase { get; }

    public static string AgentId(int index) => string.Create(CultureInfo.InvariantCulture, $"host-{index:D5}");

    public MetricsReport Next(DateTimeOffset timestamp)
    {
        var rhythm = Math.Sin((timestamp.ToUnixTimeSeconds() % 86_400 / 86_400.0 * 2 * Math.PI) - (Math.PI / 2));
        _cpu = Wander(_cpu, _cpuBase * (1 + (0.6 * rhythm)), 0.3, 4, 0.5, 100);
        _memory = Wander(_memory, _memoryBase + (0.05 * rhythm), 0.02, 0.002, 0.05, 0.95);
        _swapUsed = Math.Clamp(_swapUsed + (Normal() * 2 * 1024 * 1024), 0, _swapTotal * 0.5);
        var cores = Enumerable.Range(0, Cores).Select(_ => Math.Round(Math.Clamp(_cpu + (Normal() * 6), 0, 100), 1)).ToArray();
        var busy = cores.Average();
        _load1 = Decay(_load1, Cores * busy / 100, 60);
        _load5 = Decay(_load5, _load1, 300);
        _load15 = Decay(_load15, _load1, 900);
        _clockOffset = Wander(_clockOffset, 0, 0.1, 0.5, -50, 50);

        var memoryUsed = (long)(_memoryTotal * _memory) / 4096 * 4096;
        var swapUsed = (long)_swapUsed / 4096 * 4096;
        var mounts = Enumerable.Range(0, MountPoints.Length).Select(Mount).ToArray();
        var network = _networkBase * (1.2 + rhythm) * Math.Exp(Normal() * 0.3);
        var iowait = Math.Round(Math.Abs(Normal()) * 0.8, 1);
        var steal = Math.Round(Math.Abs(Normal()) * 0.1, 1);
        return new MetricsReport
        {
            AgentId = _agentId,
            AgentName = _agentName,
            Timestamp = timestamp,
            IntervalSeconds = _intervalSeconds,
            System = new SystemMetrics
            {
                Timestamp = timestamp,
                CpuPercent = Math.Round(busy, 1),
                Memory = new MemoryMetrics
                {
                    Total = _memoryTotal,
                    Available = _memoryTotal - memoryUsed,
                    Used = memoryUsed,
                    Percent = Math.Round(100.0 * memoryUsed / _memoryTotal, 1),
                },
                Disk = new DiskMetrics { Total = mounts[0].Total, Used = mounts[0].Used, Free = mounts[0].Free, Percent = mounts[0].Percent },
                Cpu = new CpuMetrics
                {
                    Count = Cores,
                    PerCore = cores,
                    User = Math.Round(Math.Max(0, (busy * 0.72) - iowait), 1),
                    System = Math.Round(busy * 0.26, 1),
                    Iowait = iowait,
                    Steal = steal,
                },
                Load = new LoadAverage { Load1 = Math.Round(_load1, 2), Load5 = Math.Round(_load5, 2), Load15 = Math.Round(_load15, 2) },
                Swap = new SwapMetrics { Total = _swapTotal, Used = swapUsed, Free = _swapTotal - swapUsed, Percent = Math.Round(100.0 * swapUsed / _swapTotal, 1) },
                Disks = mounts,
                DiskIo =
                [
                    new DiskIoMetrics { Device = "sda", ReadBytesPerSec = Rate(network * 0.4 * Math.Exp(Normal())), WriteBytesPerSec = Rate(network * 0.8 * Math.Exp(Normal() * 0.5)) },
                ],
                Interfaces =
                [
                    new InterfaceMetrics
                    {
                        Name = "eth0",
                        RxBytesPerSec = Rate(network),
                        TxBytesPerSec = Rate(network * 0.35 * Math.Exp(Normal() * 0.2)),
                        RxPacketsPerSec = Rate(network / 900),
                        TxPacketsPerSec = Rate(network * 0.35 / 300),
                        RxErrorsPerSec = 0,
                        TxErrorsPerSec = 0,
                        RxDropsPerSec = _random.NextDouble() < 0.01 ? Rate(1.0 / _intervalSeconds) : 0,
                        TxDropsPerSec = 0,
                    },
                ],
                UptimeSeconds = Math.Round((timestamp - _bootTime).TotalSeconds, 1),
                BootTime = _bootTime,
            },
            Network = Checks(rhythm),
            Agent = new AgentHealth
            {
                Version = "1.0.0",
                Os = "Ubuntu 24.04.1 LTS (X64)",
                SpoolDepth = 0,
                SpoolBytes = 0,
                OldestUnsentSeconds = 0,
                DroppedTotal = 0,
                RejectedTotal = 0,
                ClockOffsetMs = Math.Round(_clockOffset, 1),
            },
        };
    }

    private MountMetrics Mount(int i)
    {
        // Files come and go a page at a time; /boot changes only with a kernel update.
        if (i != 1)
        {
            _mountUsed[i] = Math.Clamp(_mountUsed[i] + ((long)(Normal() * 64) * 4096), 0, _mountTotals[i] * 9 / 10);
        }

        var total = _mountTotals[i];
        var used = _mountUsed[i];
        // psutil's semantics, as the agent's: 5 % is reserved for root, so free + used < total and percent = used / (used + free).
        var free = total - used - (total / 20);
        return new MountMetrics
        {
            Mount = MountPoints[i],
            Device = $"/dev/sda{i + 1}",
            FsType = i == 2 ? "xfs" : "ext4",
            Total = total,
            Used = used,
            Free = free,
            Percent = Math.Round(100.0 * used / (used + free), 1),
            InodesPercent = _inodesPercent[i],
        };
    }

    private NetworkCheck[] Checks(double rhythm)
    {
        var database = new NetworkCheck { Host = "db.internal", Port = 5432, Status = "up", LatencyMs = Latency(0.6, 0.25), Kind = "tcp" };
        var health = _random.NextDouble() < 0.002
            ? new NetworkCheck { Url = "https://api.internal/health", Status = "down", Error = "The operation was canceled: timed out after 5000 ms.", Kind = "http" }
            : new NetworkCheck { Url = "https://api.internal/health", StatusCode = 200, Status = "up", LatencyMs = Latency(35 * (1.3 + (0.3 * rhythm)), 0.3), Kind = "http" };
        return _pingsGateway
            ? [database, health, new NetworkCheck { Host = "10.0.0.1", Status = "up", LatencyMs = Latency(0.3, 0.2), Kind = "icmp" }]
            : [database, health];
    }

    private double Latency(double median, double spread) => Math.Round(median * Math.Exp(Normal() * spread), 3);

    /// <summary>A step of a mean-reverting random walk: pulled part of the way to the target, plus noise, within bounds.</summary>
    private double Wander(double value, double target, double pull, double noise, double min, double max) =>
        Math.Clamp(value + ((target - value) * pull) + (Normal() * noise), min, max);

    /// <summary>The kernel's load average: an exponential moving average with the given time constant.</summary>
    private double Decay(double average, double value, double seconds)
    {
        var keep = Math.Exp(-_intervalSeconds / seconds);
        return (average * keep) + (value * (1 - keep));
    }

    private double Normal() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    private static double Rate(double perSecond) => Math.Round(Math.Max(0, perSecond), 1);
}
