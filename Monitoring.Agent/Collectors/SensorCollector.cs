using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Reads the sample's <c>sensors</c> within <c>SENSORS_TIMEOUT</c>; left out when switched off, unreadable or when the host exposes none.</summary>
internal sealed class SensorCollector
{
    private static readonly SensorMetrics Empty = new();

    private readonly SensorSources _sources;
    private readonly ILogger<SensorCollector> _logger;
    private readonly BoundedPart _part;
    private readonly bool _enabled;
    private readonly HashSet<string> _unreadableInputs = new(StringComparer.Ordinal);
    private CpuSensorReading? _previousCpu;

    public SensorCollector(SensorSources sources, IOptions<AgentOptions> options, TimeProvider time, ILogger<SensorCollector> logger)
    {
        _sources = sources;
        _logger = logger;
        _enabled = options.Value.SensorsEnabled && OperatingSystem.IsLinux();
        _part = new BoundedPart("sensors", AgentOptions.SensorsTimeoutKey, TimeSpan.FromSeconds(options.Value.SensorsTimeout), time, logger);
    }

    public Task<SensorMetrics?> CollectAsync(CancellationToken cancellationToken) =>
        _enabled ? _part.ReadAsync(Read, cancellationToken) : Task.FromResult<SensorMetrics?>(null);

    /// <summary>Runs one at a time (<see cref="BoundedPart"/> never starts a read beside a hanging one), so its state needs no lock.</summary>
    private SensorMetrics? Read()
    {
        var (temperatures, fans) = HwmonReading.Read(_sources.HwmonDirectory, InputUnreadable);
        var cpu = CpuSensorReading.Read(_sources.CpuDirectory);
        var earlier = _previousCpu;
        _previousCpu = cpu;
        var sensors = new SensorMetrics
        {
            Temperatures = temperatures.Count == 0 ? null : temperatures,
            Fans = fans.Count == 0 ? null : fans,
            CpuFrequencyMhz = cpu.FrequencyMhz,
            CpuThrottleCount = earlier is null ? null : cpu.CoreThrottleSince(earlier),
            PackageThrottleCount = earlier is null ? null : cpu.PackageThrottleSince(earlier),
        };
        return sensors == Empty ? null : sensors;
    }

    /// <summary>An input that fails stays failing on most hosts (a sensor the board does not wire): logged once.</summary>
    private void InputUnreadable(string path, Exception exception)
    {
        if (_unreadableInputs.Add(path))
        {
            Log.SensorInputUnreadable(_logger, path, exception.Message);
        }
    }
}
