using Monitoring.Agent.Collectors;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class DiskIoReadingTests
{
    [Fact]
    public void Whole_devices_come_from_sys_block_without_loop_and_memory_devices()
    {
        var real = DiskIoReading.WholeDevices(Fixture.Path("sys-block"));
        var server = DiskIoReading.WholeDevices(Fixture.Path("sys-block-server"));

        Assert.Equal(["vda"], real.Order());
        Assert.Equal(["cciss/c0d0", "dm-0", "nvme0n1", "sda"], server.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Partitions_and_virtual_devices_of_proc_diskstats_are_not_read()
    {
        var devices = Parse("diskstats-server", "sys-block-server");

        Assert.Equal(["cciss/c0d0", "dm-0", "nvme0n1", "sda"], devices.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new DiskIoCounters(200000, 400000), devices["sda"]);
    }

    [Fact]
    public void Bytes_per_second_are_sector_deltas_of_a_real_proc_diskstats_times_512()
    {
        var earlier = Parse("proc/diskstats", "sys-block");
        var later = Parse("diskstats-later", "sys-block");

        var rates = DiskIoReading.RatesSince(earlier, later, seconds: 10, counterBits: 64);

        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 20000 * 512 / 10, WriteBytesPerSec = 40000 * 512 / 10 }], rates);
    }

    [Fact]
    public void A_32_bit_sector_counter_that_wrapped_gives_the_sectors_moved_across_the_wrap()
    {
        var earlier = Parse("diskstats-wrap-earlier", "sys-block");
        var later = Parse("diskstats-wrap-later", "sys-block");

        var rates = DiskIoReading.RatesSince(earlier, later, seconds: 10, counterBits: 32);

        // Read 4294967000 -> 704 and written 4294967295 -> 999 are both 1000 sectors past the 32-bit wrap.
        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 51200, WriteBytesPerSec = 51200 }], rates);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void A_sector_counter_that_went_back_from_the_lower_half_of_its_range_was_reset_and_counts_from_zero(int counterBits)
    {
        var earlier = Parse("proc/diskstats", "sys-block");
        var later = Parse("diskstats-reset", "sys-block");

        var rates = DiskIoReading.RatesSince(earlier, later, seconds: 10, counterBits);

        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 3000 * 512 / 10, WriteBytesPerSec = 5000 * 512 / 10 }], rates);
    }

    [Fact]
    public void A_64_bit_sector_counter_near_the_32_bit_limit_that_went_back_was_reset_not_wrapped()
    {
        var earlier = Parse("diskstats-wrap-earlier", "sys-block");
        var later = Parse("diskstats-wrap-later", "sys-block");

        var rates = DiskIoReading.RatesSince(earlier, later, seconds: 10, counterBits: 64);

        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 704 * 51.2, WriteBytesPerSec = 999 * 51.2 }], rates);
    }

    [Fact]
    public void A_device_seen_for_the_first_time_waits_for_the_next_sample()
    {
        var earlier = new Dictionary<string, DiskIoCounters> { ["sda"] = new(1, 1) };
        var later = new Dictionary<string, DiskIoCounters> { ["sda"] = new(1, 1), ["sdb"] = new(500, 500) };

        var rates = DiskIoReading.RatesSince(earlier, later, seconds: 10, counterBits: 64);

        Assert.Equal(["sda"], rates.Select(rate => rate.Device));
    }

    [Fact]
    public void A_diskstats_line_with_too_few_fields_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => DiskIoReading.Parse(new StringReader("8 0 sda 1 2 3\n"), new HashSet<string> { "sda" }));
    }

    private static IReadOnlyDictionary<string, DiskIoCounters> Parse(string diskstats, string sysBlock)
    {
        using var reader = Fixture.Open(diskstats);
        return DiskIoReading.Parse(reader, DiskIoReading.WholeDevices(Fixture.Path(sysBlock)));
    }
}
