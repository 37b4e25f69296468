using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Takes one <see cref="SystemMetrics"/> sample; a part that cannot be read is logged and left out rather than failing the sample.</summary>
internal sealed class SystemCollector(SystemSources sources, TimeProvider time, ILogger<SystemCollector> logger)
{
    /// <summary>How long the very first CPU sample measures, since there is no earlier reading to compare with.</summary>
    public static readonly TimeSpan FirstCpuWindow = TimeSpan.FromMilliseconds(250);

    private CpuTimes? _previousCpu;

    public async Task<SystemMetrics> CollectAsync(CancellationToken cancellationToken)
    {
        var cpu = await CollectCpuAsync(cancellationToken);
        return new SystemMetrics
        {
            Timestamp = time.GetUtcNow(),
            CpuPercent = cpu,
            Memory = Read("memory", sources.MeminfoPath, MemoryReading.Parse),
            Disk = ReadDisk(),
        };
    }

    private async Task<double?> CollectCpuAsync(CancellationToken cancellationToken)
    {
        var earlier = _previousCpu ?? ReadCpu();
        if (_previousCpu is null)
        {
            await Task.Delay(FirstCpuWindow, time, cancellationToken);
        }

        var now = ReadCpu();
        _previousCpu = now;
        return earlier is { } from && now is { } to ? to.BusyPercentSince(from) : null;
    }

    private CpuTimes? ReadCpu() => Read<CpuTimes?>("cpu", sources.StatPath, static stat => CpuTimes.Parse(stat));

    private T? Read<T>(string part, string path, Func<TextReader, T> parse)
    {
        try
        {
            using var reader = File.OpenText(path);
            return parse(reader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            Log.CollectorFailed(logger, part, path, ex);
            return default;
        }
    }

    private DiskMetrics? ReadDisk()
    {
        try
        {
            return DiskUsage.Of(new DriveInfo(sources.DiskMountPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log.CollectorFailed(logger, "disk", sources.DiskMountPath, ex);
            return null;
        }
    }
}
