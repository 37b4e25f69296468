namespace Monitoring.Contracts;

/// <summary>Bounds of a sample's lists and names that the API enforces, so the agent can stay within them instead of being refused.</summary>
public static class SampleLimits
{
    public const int MaxCpuCores = 4096;
    public const int MaxMounts = 256;
    public const int MaxBlockDevices = 256;
    public const int MaxInterfaces = 512;

    /// <summary>Linux's PATH_MAX.</summary>
    public const int MaxMountPathLength = 4096;

    /// <summary>Room for a network file system's <c>server:/export/path</c> source.</summary>
    public const int MaxMountDeviceLength = 1024;

    public const int MaxFsTypeLength = 64;
    public const int MaxDeviceNameLength = 256;

    /// <summary>Linux names are at most 15 characters, Windows' friendly names are longer.</summary>
    public const int MaxInterfaceNameLength = 256;

    /// <summary>The agent's version and operating system description.</summary>
    public const int MaxAgentTextLength = 256;

    /// <summary>Why the agent's spool refuses writes; the agent shortens longer reasons.</summary>
    public const int MaxSpoolErrorLength = 1024;

    public const int MaxTemperatures = 512;
    public const int MaxFans = 128;

    /// <summary>A sensor's <c>chip/label</c> name.</summary>
    public const int MaxSensorNameLength = 256;

    /// <summary>Entries of each top-processes list (by CPU, by memory).</summary>
    public const int MaxTopProcesses = 50;

    /// <summary>The kernel's command names are at most 15 bytes (64 for kernel threads).</summary>
    public const int MaxProcessNameLength = 256;

    /// <summary>A process busy on every CPU of the largest host accepted.</summary>
    public const double MaxProcessCpuPercent = 100.0 * MaxCpuCores;

    /// <summary>Disks with a S.M.A.R.T. reading, as many as block devices.</summary>
    public const int MaxSmartDisks = MaxBlockDevices;

    public const int MaxRaidArrays = 256;

    /// <summary>Failed units plus those named in the agent's <c>SERVICES</c>; beyond it the first by name are sent.</summary>
    public const int MaxServices = 256;

    /// <summary>systemd's own limit on a unit name.</summary>
    public const int MaxUnitNameLength = 255;

    /// <summary>A disk's model, serial and protocol, an array's level and state, a unit's active and sub state.</summary>
    public const int MaxHealthTextLength = 128;
}
