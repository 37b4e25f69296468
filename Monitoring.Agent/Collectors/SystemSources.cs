namespace Monitoring.Agent.Collectors;

/// <summary>Where the collectors read from; tests point these at a directory of fixture files laid out like <c>/proc</c>.</summary>
internal sealed record SystemSources(string ProcDirectory, string SysBlockDirectory, string DiskMountPath)
{
    public static SystemSources Linux { get; } = new("/proc", "/sys/block", "/");

    public string StatPath => Path.Combine(ProcDirectory, "stat");

    public string MeminfoPath => Path.Combine(ProcDirectory, "meminfo");

    public string LoadavgPath => Path.Combine(ProcDirectory, "loadavg");

    public string UptimePath => Path.Combine(ProcDirectory, "uptime");

    public string MountinfoPath => Path.Combine(ProcDirectory, "self", "mountinfo");

    public string DiskstatsPath => Path.Combine(ProcDirectory, "diskstats");

    public string NetDevPath => Path.Combine(ProcDirectory, "net", "dev");
}
