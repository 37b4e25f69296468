using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Takes one <see cref="SystemMetrics"/> sample; a part that cannot be read is logged and left out rather than failing the sample.</summary>
internal sealed class SystemCollector(SystemSources sources, TimeProvider time, ILogger<SystemCollector> logger)
{
    /// <summary>How long the very first sample measures CPU and rates, since there is no earlier reading to compare with.</summary>
    public static readonly TimeSpan FirstCpuWindow = TimeSpan.FromMilliseconds(250);

    private Counters? _previous;

    public async Task<SystemMetrics> CollectAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return CollectPortable();
        }

        var earlier = _previous ?? ReadCounters();
        if (_previous is null)
        {
            await Task.Delay(FirstCpuWindow, time, cancellationToken);
        }

        var now = ReadCounters();
        _previous = now;
        var seconds = time.GetElapsedTime(earlier.Timestamp, now.Timestamp).TotalSeconds;
        var memory = Read("memory", sources.MeminfoPath, MemoryReading.Parse);
        return new SystemMetrics
        {
            Timestamp = time.GetUtcNow(),
            CpuPercent = earlier.Stat is { } statBefore && now.Stat is { } stat ? stat.BusyPercentSince(statBefore) : null,
            Memory = memory?.Memory,
            Disk = ReadDisk(),
            Cpu = earlier.Stat is { } cpuBefore && now.Stat is { } cpu ? cpu.DetailSince(cpuBefore) : null,
            Load = Read("load", sources.LoadavgPath, LoadAverageReading.Parse),
            Swap = memory?.Swap,
            Disks = ReadMounts(),
            DiskIo = seconds > 0 && earlier.Disks is { } disksBefore && now.Disks is { } disks
                ? DiskIoReading.RatesSince(disksBefore, disks, seconds, Counter.NativeBits)
                : null,
            Interfaces = seconds > 0 && earlier.Interfaces is { } nicsBefore && now.Interfaces is { } nics
                ? InterfaceReading.RatesSince(nicsBefore, nics, seconds)
                : null,
            UptimeSeconds = Read<double?>("uptime", sources.UptimePath, static uptime => UptimeReading.Parse(uptime)),
            BootTime = now.Stat?.BootTime,
        };
    }

    /// <summary>
    /// Outside Linux only what .NET itself reports: the root disk, fixed drives and the CPU count, plus uptime on Windows
    /// (macOS' tick count stops while the machine sleeps, so it is no uptime).
    /// </summary>
    private SystemMetrics CollectPortable()
    {
        var now = time.GetUtcNow();
        TimeSpan? uptime = OperatingSystem.IsWindows() ? TimeSpan.FromMilliseconds(Environment.TickCount64) : null;
        return new SystemMetrics
        {
            Timestamp = now,
            Disk = ReadDisk(),
            Cpu = new CpuMetrics { Count = Environment.ProcessorCount },
            Disks = Try("mounts", "fixed drives", static () => DriveInfo.GetDrives()
                .Where(drive => drive.DriveType == DriveType.Fixed && drive.IsReady)
                .Select(drive => FileSystemUsage.Of(new MountEntry(drive.Name, drive.Name, drive.DriveFormat)))
                .Take(SampleLimits.MaxMounts)
                .ToList()),
            UptimeSeconds = uptime is { } up ? Math.Round(up.TotalSeconds, 1) : null,
            BootTime = now - uptime,
        };
    }

    private Counters ReadCounters() => new(
        time.GetTimestamp(),
        Read("cpu", sources.StatPath, ProcStat.Parse),
        ReadDiskIo(),
        Read("network interfaces", sources.NetDevPath, InterfaceReading.Parse));

    private IReadOnlyDictionary<string, DiskIoCounters>? ReadDiskIo()
    {
        var wholeDevices = Try("block devices", sources.SysBlockDirectory, () => DiskIoReading.WholeDevices(sources.SysBlockDirectory));
        return wholeDevices is null ? null : Read("disk I/O", sources.DiskstatsPath, diskstats => DiskIoReading.Parse(diskstats, wholeDevices));
    }

    private IReadOnlyList<MountMetrics>? ReadMounts()
    {
        var mounts = Read("mounts", sources.MountinfoPath, MountTable.Parse);

        // Containers bind single files such as /etc/hosts from the host's disk; only directories are mounted file systems.
        return mounts?
            .Where(mount => Directory.Exists(mount.MountPoint))
            .Select(mount => Try("mount", mount.MountPoint, () => FileSystemUsage.Of(mount)))
            .OfType<MountMetrics>()
            .ToList();
    }

    private T? Read<T>(string part, string path, Func<TextReader, T> parse) => Try(part, path, () =>
    {
        using var reader = File.OpenText(path);
        return parse(reader);
    });

    private T? Try<T>(string part, string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException or ArgumentException)
        {
            Log.CollectorFailed(logger, part, path, ex);
            return default;
        }
    }

    private DiskMetrics? ReadDisk() => Try("disk", sources.DiskMountPath, () => DiskUsage.Of(new DriveInfo(sources.DiskMountPath)));

    /// <summary>The counters rates are computed from, with the monotonic time they were read at.</summary>
    private sealed record Counters(
        long Timestamp,
        ProcStat? Stat,
        IReadOnlyDictionary<string, DiskIoCounters>? Disks,
        IReadOnlyDictionary<string, InterfaceCounters>? Interfaces);
}
