using System.Globalization;

namespace Monitoring.Agent.Collectors;

/// <summary>
/// What <c>/sys/devices/system/cpu/cpuN</c> tells about each CPU's frequency (<c>cpufreq/scaling_cur_freq</c>, kHz) and
/// thermal throttling (<c>thermal_throttle/core_throttle_count</c>, and <c>package_throttle_count</c> once per
/// <c>topology/physical_package_id</c>), where the kernel exposes them: virtual machines mostly do not.
/// </summary>
internal sealed record CpuSensorReading(
    double? FrequencyMhz,
    IReadOnlyDictionary<int, ulong> CoreThrottleCounts,
    IReadOnlyDictionary<int, ulong> PackageThrottleCounts)
{
    public static CpuSensorReading Read(string directory)
    {
        var coreThrottle = new Dictionary<int, ulong>();
        var packageThrottle = new Dictionary<int, ulong>();
        if (!Directory.Exists(directory))
        {
            return new(null, coreThrottle, packageThrottle);
        }

        var kilohertz = 0.0;
        var reporting = 0;
        foreach (var path in Directory.EnumerateDirectories(directory, "cpu*"))
        {
            var name = Path.GetFileName(path.AsSpan());
            if (!int.TryParse(name[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var cpu))
            {
                continue;
            }

            if (ReadNumber(Path.Combine(path, "cpufreq", "scaling_cur_freq")) is { } frequency)
            {
                kilohertz += frequency;
                reporting++;
            }

            if (ReadNumber(Path.Combine(path, "thermal_throttle", "core_throttle_count")) is { } core)
            {
                coreThrottle[cpu] = core;
            }

            if (ReadNumber(Path.Combine(path, "thermal_throttle", "package_throttle_count")) is { } package
                && ReadNumber(Path.Combine(path, "topology", "physical_package_id")) is { } packageId)
            {
                packageThrottle.TryAdd((int)packageId, package);
            }
        }

        return new(reporting == 0 ? null : Math.Round(kilohertz / reporting / 1000, 1), coreThrottle, packageThrottle);
    }

    /// <summary>Throttling events since <paramref name="earlier"/>, summed over the CPUs in both readings; null when none is.</summary>
    public long? CoreThrottleSince(CpuSensorReading earlier) => Since(earlier.CoreThrottleCounts, CoreThrottleCounts);

    /// <summary>Throttling events since <paramref name="earlier"/>, summed over the packages in both readings; null when none is.</summary>
    public long? PackageThrottleSince(CpuSensorReading earlier) => Since(earlier.PackageThrottleCounts, PackageThrottleCounts);

    private static long? Since(IReadOnlyDictionary<int, ulong> earlier, IReadOnlyDictionary<int, ulong> later)
    {
        long? events = null;
        foreach (var (key, count) in later)
        {
            if (earlier.TryGetValue(key, out var before))
            {
                events = (events ?? 0) + (long)Math.Min(Counter.Delta(before, count, Counter.NativeBits), int.MaxValue);
            }
        }

        return events;
    }

    /// <summary>A sysfs number, or null when the kernel does not expose it; checked first, since most hosts lack some of these.</summary>
    private static ulong? ReadNumber(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ulong.Parse(File.ReadAllText(path).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // cpufreq answers EBUSY or EINVAL while a CPU is going offline; the next sample reads it again.
            return null;
        }
    }
}
