namespace Monitoring.Agent.Collectors;

/// <summary>Where the collectors read from; tests point these at fixture files.</summary>
internal sealed record SystemSources(string StatPath, string MeminfoPath, string DiskMountPath)
{
    public static SystemSources Linux { get; } = new("/proc/stat", "/proc/meminfo", "/");
}
