using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class MemoryReadingTests
{
    [Fact]
    public void Memory_is_read_in_bytes_from_a_real_proc_meminfo()
    {
        using var meminfo = Fixture.Open("proc/meminfo");

        var memory = MemoryReading.Parse(meminfo).Memory;

        Assert.Equal(24684092L * 1024, memory.Total);
        Assert.Equal(23936056L * 1024, memory.Available);
        Assert.Equal((24684092L - 23936056L) * 1024, memory.Used);
        Assert.Equal(3.0, memory.Percent);
    }

    [Fact]
    public void Memory_without_MemAvailable_counts_free_buffers_cache_and_reclaimable_slab_as_available()
    {
        using var meminfo = Fixture.Open("meminfo-without-memavailable");

        var memory = MemoryReading.Parse(meminfo).Memory;

        Assert.Equal(1_000_000L * 1024, memory.Total);
        Assert.Equal(550_000L * 1024, memory.Available);
        Assert.Equal(450_000L * 1024, memory.Used);
        Assert.Equal(45.0, memory.Percent);
    }

    [Fact]
    public void Swap_is_read_in_bytes_and_a_host_without_swap_reports_zeros()
    {
        using var withSwap = Fixture.Open("meminfo-with-swap");
        using var withoutSwap = Fixture.Open("proc/meminfo");

        var swap = MemoryReading.Parse(withSwap).Swap;
        var none = MemoryReading.Parse(withoutSwap).Swap;

        Assert.Equal(2097148L * 1024, swap?.Total);
        Assert.Equal(1572860L * 1024, swap?.Free);
        Assert.Equal(524288L * 1024, swap?.Used);
        Assert.Equal(25.0, swap?.Percent);
        Assert.Equal(new Contracts.SwapMetrics { Total = 0, Used = 0, Free = 0, Percent = 0 }, none);
    }

    [Fact]
    public void Swap_is_left_out_when_the_kernel_does_not_report_it()
    {
        var reading = MemoryReading.Parse(new StringReader("MemTotal: 1000 kB\nMemAvailable: 500 kB\n"));

        Assert.Null(reading.Swap);
    }

    [Fact]
    public void Memory_without_MemTotal_is_a_format_error()
    {
        using var meminfo = Fixture.Open("meminfo-without-memtotal");

        Assert.Throws<FormatException>(() => MemoryReading.Parse(meminfo));
    }
}
