using Microsoft.Extensions.Options;
using Monitoring.Agent.Commands;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.DiskHealth;

/// <summary>Where disk health is read from; tests point these at fixtures and stand-in commands.</summary>
internal sealed record DiskHealthSources(string Smartctl, string MdstatPath)
{
    public static DiskHealthSources Linux { get; } = new("smartctl", "/proc/mdstat");
}

/// <summary>
/// Disks' S.M.A.R.T., read with <c>smartctl</c> in the background at most every <c>SMART_INTERVAL</c> (every sample
/// carries the last reading), and the mdraid arrays, read from <c>/proc/mdstat</c> with every sample.
/// </summary>
internal sealed class DiskHealthCollector : IDisposable
{
    private const string ScanPart = "Finding disks with smartctl --scan";

    private readonly DiskHealthSources _sources;
    private readonly AgentOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<DiskHealthCollector> _logger;
    private readonly FailureStates _failures;
    private readonly BackgroundReading<IReadOnlyList<SmartDisk>> _smart;
    private Dictionary<string, SmartDisk> _previous = new(StringComparer.Ordinal);
    private bool _smartctlMissing;

    public DiskHealthCollector(DiskHealthSources sources, IOptions<AgentOptions> options, TimeProvider time, ILogger<DiskHealthCollector> logger)
    {
        _sources = sources;
        _settings = options.Value;
        _time = time;
        _logger = logger;
        _failures = new FailureStates(logger);
        _smart = new BackgroundReading<IReadOnlyList<SmartDisk>>(ReadSmartAsync, time);
    }

    /// <summary>The S.M.A.R.T. read in progress or the last one.</summary>
    public Task SmartReading => _smart.Running;

    /// <summary>Starts a S.M.A.R.T. read in the background when <c>SMART_INTERVAL</c> has passed since the last one started.</summary>
    public void Refresh()
    {
        if (_settings.SmartEnabled && OperatingSystem.IsLinux())
        {
            _smart.RefreshIfDue(TimeSpan.FromSeconds(_settings.SmartInterval));
        }
    }

    /// <summary>The last S.M.A.R.T. reading and the arrays as they are now; null when there is neither.</summary>
    public Contracts.DiskHealth? Latest()
    {
        var smart = _settings.SmartEnabled && _smart.Latest is { Count: > 0 } disks ? disks : null;
        var raid = _settings.RaidEnabled && OperatingSystem.IsLinux() && ReadRaid() is { Count: > 0 } arrays ? arrays : null;
        return smart is null && raid is null ? null : new Contracts.DiskHealth { Smart = smart, Raid = raid };
    }

    public void Dispose() => _smart.Dispose();

    private List<RaidArray>? ReadRaid()
    {
        var part = $"Reading RAID arrays from {_sources.MdstatPath}";
        try
        {
            using var mdstat = File.OpenText(_sources.MdstatPath);
            var arrays = MdstatReading.Parse(mdstat).Take(SampleLimits.MaxRaidArrays).ToList();
            _failures.Succeeded(part);
            return arrays;
        }
        catch (FileNotFoundException)
        {
            // No md driver loaded: no arrays, and nothing wrong.
            return null;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            _failures.Failed(part, failure.Message);
            return null;
        }
    }

    private async Task<IReadOnlyList<SmartDisk>?> ReadSmartAsync(CancellationToken cancellationToken)
    {
        if (ExternalCommand.Find(_sources.Smartctl) is not { } smartctl)
        {
            if (!_smartctlMissing)
            {
                Log.SmartctlMissing(_logger, _sources.Smartctl);
                _smartctlMissing = true;
            }

            return null;
        }

        _smartctlMissing = false;
        var timeout = TimeSpan.FromSeconds(_settings.CommandTimeout);
        IReadOnlyList<SmartDevice> devices;
        try
        {
            var scan = await ExternalCommand.RunAsync(smartctl, ["--scan", "--json"], timeout, cancellationToken);
            devices = SmartctlOutput.ParseScan(scan.Output);
            _failures.Succeeded(ScanPart);
        }
        catch (Exception failure) when (failure is CommandFailedException or FormatException)
        {
            _failures.Failed(ScanPart, failure.Message);
            return null;
        }

        var disks = new List<SmartDisk>();
        foreach (var device in devices.DistinctBy(device => device.Name).Take(SampleLimits.MaxSmartDisks))
        {
            if (await ReadDiskAsync(smartctl, device, timeout, cancellationToken) is { } disk)
            {
                disks.Add(disk);
            }
        }

        _previous = disks.ToDictionary(disk => disk.Device!, StringComparer.Ordinal);
        return disks;
    }

    private async Task<SmartDisk?> ReadDiskAsync(string smartctl, SmartDevice device, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var part = $"Reading S.M.A.R.T. of {device.Path} with smartctl";
        try
        {
            // --nocheck=standby: a disk that sleeps is left asleep, and keeps its last reading.
            var result = await ExternalCommand.RunAsync(
                smartctl, ["--json", "--info", "--health", "--attributes", "--nocheck=standby", $"--device={device.Type}", device.Path], timeout, cancellationToken);
            if (SmartctlOutput.IsAsleep(result.Output))
            {
                return _previous.GetValueOrDefault(device.Name);
            }

            if (SmartctlOutput.ParseDevice(result.Output, result.ExitCode, device.Name, _time.GetUtcNow()) is { } disk)
            {
                _failures.Succeeded(part);
                return disk;
            }

            _failures.Failed(part, SmartctlOutput.FirstMessage(result.Output) ?? $"smartctl exited with {result.ExitCode}");
        }
        catch (Exception failure) when (failure is CommandFailedException or FormatException)
        {
            _failures.Failed(part, failure.Message);
        }

        return null;
    }
}
