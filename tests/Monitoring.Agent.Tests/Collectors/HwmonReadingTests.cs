using Monitoring.Agent.Collectors;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class HwmonReadingTests
{
    private static readonly string Hwmon = Fixture.Path("sys-class-hwmon");

    [Fact]
    public void Temperatures_are_named_chip_slash_label_in_the_kernels_order_with_their_limits()
    {
        var (temperatures, _) = HwmonReading.Read(Hwmon, NoInputFails);

        Assert.Equal(
            [
                "acpitz/temp1",
                "nvme@hwmon1/Composite", "nvme@hwmon1/Sensor 1", "nvme@hwmon1/Sensor 2",
                "nvme@hwmon2/Composite", "nvme@hwmon2/Sensor 1",
                "coretemp/Package id 0", "coretemp/Core 0", "coretemp/Core 4", "coretemp/Core 8", "coretemp/Core 12",
                "nct6798/SYSTIN", "nct6798/CPUTIN",
                "dell_smm/CPU",
            ],
            temperatures.Select(t => t.Name));
        Assert.Equal(new TemperatureMetrics { Name = "acpitz/temp1", Celsius = 27.8, CriticalCelsius = 119 }, temperatures[0]);
        Assert.Equal(new TemperatureMetrics { Name = "nvme@hwmon1/Composite", Celsius = 38.9, HighCelsius = 81.9, CriticalCelsius = 84.9 }, temperatures[1]);
        Assert.Equal(new TemperatureMetrics { Name = "coretemp/Package id 0", Celsius = 54, HighCelsius = 80, CriticalCelsius = 100 }, temperatures[6]);
        Assert.Equal(new TemperatureMetrics { Name = "coretemp/Core 12", Celsius = 46, HighCelsius = 80, CriticalCelsius = 100 }, temperatures[10]);
        Assert.Equal(new TemperatureMetrics { Name = "nct6798/CPUTIN", Celsius = 41.5, HighCelsius = 80 }, temperatures[12]);
    }

    [Fact]
    public void Fans_are_named_by_label_or_input_and_a_stopped_fan_reads_zero()
    {
        var (_, fans) = HwmonReading.Read(Hwmon, NoInputFails);

        Assert.Equal(
            [
                new FanMetrics { Name = "nct6798/fan1", Rpm = 0 },
                new FanMetrics { Name = "nct6798/fan2", Rpm = 1150 },
                new FanMetrics { Name = "dell_smm/Processor Fan", Rpm = 2590 },
            ],
            fans);
    }

    [Fact]
    public void Chips_sharing_a_name_are_told_apart_by_their_device_through_sysfs_links()
    {
        using var sys = SysfsCopy.Of(Hwmon, new Dictionary<string, string> { ["hwmon1"] = "nvme0", ["hwmon2"] = "nvme1", ["hwmon3"] = "coretemp.0" });

        var (temperatures, _) = HwmonReading.Read(sys.Hwmon, NoInputFails);

        Assert.Contains(temperatures, t => t.Name == "nvme@nvme0/Composite" && t.Celsius == 38.9);
        Assert.Contains(temperatures, t => t.Name == "nvme@nvme1/Composite" && t.Celsius == 44.9);
        Assert.Contains(temperatures, t => t.Name == "coretemp/Package id 0");
        Assert.Equal(14, temperatures.Count);
    }

    [Fact]
    public void An_input_that_cannot_be_read_is_reported_and_left_out()
    {
        using var sys = SysfsCopy.Of(Hwmon, []);
        var broken = Path.Combine(sys.Devices, "hwmon4", "temp2_input");
        File.Delete(broken);
        File.CreateSymbolicLink(broken, "gone");
        var skipped = new List<string>();

        var (temperatures, fans) = HwmonReading.Read(sys.Hwmon, (path, _) => skipped.Add(path));

        Assert.Equal([Path.Combine(sys.Hwmon, "hwmon4", "temp2_input")], skipped);
        Assert.DoesNotContain(temperatures, t => t.Name == "nct6798/CPUTIN");
        Assert.Contains(temperatures, t => t.Name == "nct6798/SYSTIN");
        Assert.Equal(3, fans.Count);
    }

    [Fact]
    public void Labels_with_control_characters_are_made_safe_and_a_repeated_label_keeps_its_input_name()
    {
        using var sys = SysfsCopy.Of(Hwmon, []);
        File.WriteAllText(Path.Combine(sys.Devices, "hwmon5", "temp1_label"), "CPU\u001b[2J\n");
        File.WriteAllText(Path.Combine(sys.Devices, "hwmon4", "temp2_label"), "SYSTIN\n");

        var (temperatures, _) = HwmonReading.Read(sys.Hwmon, NoInputFails);

        Assert.Contains(temperatures, t => t.Name == "dell_smm/CPU\uFFFD[2J");
        Assert.Contains(temperatures, t => t.Name == "nct6798/SYSTIN" && t.Celsius == 33);
        Assert.Contains(temperatures, t => t.Name == "nct6798/SYSTIN (temp2)" && t.Celsius == 41.5);
    }

    [Fact]
    public void A_host_without_hwmon_has_no_temperatures_or_fans()
    {
        var (temperatures, fans) = HwmonReading.Read(Fixture.Path("no-such-directory"), NoInputFails);

        Assert.Empty(temperatures);
        Assert.Empty(fans);
    }

    private static void NoInputFails(string path, Exception exception) => Assert.Fail($"{path}: {exception.Message}");

    /// <summary>
    /// The fixture chips laid out as sysfs has them: each under <c>devices/</c>, linked from <c>class/hwmon/hwmonN</c>,
    /// with a <c>device</c> link where the chip has a device (links cannot travel in the build output, so they are made here).
    /// </summary>
    private sealed class SysfsCopy : IDisposable
    {
        private readonly TempDirectory _root = new();

        public string Hwmon => _root.File("class/hwmon");

        public string Devices => _root.File("devices");

        public static SysfsCopy Of(string fixture, Dictionary<string, string> devices)
        {
            var copy = new SysfsCopy();
            Directory.CreateDirectory(copy.Hwmon);
            foreach (var chip in Directory.GetDirectories(fixture))
            {
                var name = Path.GetFileName(chip);
                var target = Path.Combine(copy.Devices, name);
                Directory.CreateDirectory(target);
                foreach (var file in Directory.GetFiles(chip))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                }

                if (devices.TryGetValue(name, out var device))
                {
                    File.CreateSymbolicLink(Path.Combine(target, "device"), $"../../../{device}");
                }

                Directory.CreateSymbolicLink(Path.Combine(copy.Hwmon, name), $"../../devices/{name}");
            }

            return copy;
        }

        public void Dispose() => _root.Dispose();
    }
}
