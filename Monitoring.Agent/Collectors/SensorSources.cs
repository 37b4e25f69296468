namespace Monitoring.Agent.Collectors;

/// <summary>Where the sensors are read from; tests point these at fixture trees laid out like <c>/sys</c>.</summary>
internal sealed record SensorSources(string HwmonDirectory, string CpuDirectory)
{
    public static SensorSources Linux { get; } = new("/sys/class/hwmon", "/sys/devices/system/cpu");
}
