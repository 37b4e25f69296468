using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class MemoryReadingTests
{
    [Fact]
    public void Memory_is_read_in_bytes_from_a_real_proc_meminfo()
    {
        using var meminfo = Fixture.Open("meminfo-real");

        var memory = MemoryReading.Parse(meminfo);

        Assert.Equal(24684092L * 1024, memory.Total);
        Assert.Equal(23936056L * 1024, memory.Available);
        Assert.Equal((24684092L - 23936056L) * 1024, memory.Used);
        Assert.Equal(3.0, memory.Percent);
    }

    [Fact]
    public void Memory_without_MemAvailable_counts_free_buffers_cache_and_reclaimable_slab_as_available()
    {
        using var meminfo = Fixture.Open("meminfo-without-memavailable");

        var memory = MemoryReading.Parse(meminfo);

        Assert.Equal(1_000_000L * 1024, memory.Total);
        Assert.Equal(550_000L * 1024, memory.Available);
        Assert.Equal(450_000L * 1024, memory.Used);
        Assert.Equal(45.0, memory.Percent);
    }

    [Fact]
    public void Memory_without_MemTotal_is_a_format_error()
    {
        using var meminfo = Fixture.Open("meminfo-without-memtotal");

        Assert.Throws<FormatException>(() => MemoryReading.Parse(meminfo));
    }
}
