using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class CpuSensorReadingTests
{
    [Fact]
    public void Frequency_is_the_mean_of_the_cpus_and_throttle_counts_are_per_cpu_and_per_package()
    {
        var reading = CpuSensorReading.Read(Fixture.Path("sys-devices-system-cpu"));

        Assert.Equal(1975, reading.FrequencyMhz);
        Assert.Equal(new Dictionary<int, ulong> { [0] = 0, [1] = 3, [2] = 0, [3] = 0 }, reading.CoreThrottleCounts);
        Assert.Equal(new Dictionary<int, ulong> { [0] = 12 }, reading.PackageThrottleCounts);
    }

    [Fact]
    public void Throttling_is_counted_since_the_previous_reading()
    {
        using var later = new TempDirectory();
        CopyTree(Fixture.Path("sys-devices-system-cpu"), later.Path);
        File.WriteAllText(Path.Combine(later.Path, "cpu1/thermal_throttle/core_throttle_count"), "5\n");
        File.WriteAllText(Path.Combine(later.Path, "cpu3/thermal_throttle/core_throttle_count"), "1\n");
        foreach (var cpu in Enumerable.Range(0, 4))
        {
            File.WriteAllText(Path.Combine(later.Path, $"cpu{cpu}/thermal_throttle/package_throttle_count"), "15\n");
        }

        var earlier = CpuSensorReading.Read(Fixture.Path("sys-devices-system-cpu"));
        var now = CpuSensorReading.Read(later.Path);

        Assert.Equal(3, now.CoreThrottleSince(earlier));
        Assert.Equal(3, now.PackageThrottleSince(earlier));
        Assert.Equal(0, earlier.CoreThrottleSince(earlier));
    }

    [Fact]
    public void Only_cpus_in_both_readings_count_and_two_packages_add_up()
    {
        var earlier = new CpuSensorReading(null, new Dictionary<int, ulong> { [0] = 10, [1] = 20, [2] = 30 }, new Dictionary<int, ulong> { [0] = 5, [1] = 7 });
        var later = new CpuSensorReading(null, new Dictionary<int, ulong> { [0] = 11, [1] = 22, [3] = 1000 }, new Dictionary<int, ulong> { [0] = 6, [1] = 9 });

        Assert.Equal(3, later.CoreThrottleSince(earlier));
        Assert.Equal(3, later.PackageThrottleSince(earlier));
    }

    [Fact]
    public void A_virtual_machine_without_cpufreq_or_thermal_throttle_reports_neither()
    {
        var reading = CpuSensorReading.Read(Fixture.Path("sys-devices-system-cpu-vm"));

        Assert.Null(reading.FrequencyMhz);
        Assert.Null(reading.CoreThrottleSince(reading));
        Assert.Null(reading.PackageThrottleSince(reading));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
