using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class ProcStatTests
{
    [Fact]
    public void Cpu_times_cores_and_boot_time_are_read_from_a_real_proc_stat()
    {
        using var stat = Fixture.Open("proc/stat");

        var reading = ProcStat.Parse(stat);

        // cpu  70144 0 21926 138916 1036 0 7291 194 0 0: idle + iowait are not busy, guest columns are already in user.
        Assert.Equal(70144UL + 0 + 21926 + 138916 + 1036 + 0 + 7291 + 194, reading.Total.Total);
        Assert.Equal(reading.Total.Total - 138916 - 1036, reading.Total.Busy);
        Assert.Equal([0, 1], reading.Cores.Select(core => core.Key));
        Assert.Equal(33026UL, reading.Cores[0].Value.User);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795629696), reading.BootTime);
    }

    [Fact]
    public void Cpu_percent_split_and_per_core_percents_are_computed_from_stat_deltas()
    {
        var earlier = Parse("proc/stat");
        var later = Parse("stat-later");

        var detail = later.DetailSince(earlier);

        // Between the two files: user +300, system +100, idle +550, iowait +50, so 400 of 1000 ticks were busy.
        Assert.Equal(40.0, later.BusyPercentSince(earlier));
        Assert.Equal(2, detail.Count);
        Assert.Equal(30.0, detail.User);
        Assert.Equal(10.0, detail.System);
        Assert.Equal(5.0, detail.Iowait);
        Assert.Equal(0.0, detail.Steal);
        // cpu0: 250 of 500 ticks busy; cpu1: 150 of 500 busy, 50 of them waiting for I/O is not busy.
        Assert.Equal([50.0, 30.0], detail.PerCore!);
    }

    [Fact]
    public void Cpu_ticks_that_went_backwards_count_from_zero_and_never_give_a_negative_percent()
    {
        var earlier = Parse("stat-later");
        var later = Parse("proc/stat");

        var detail = later.DetailSince(earlier);

        // The counters restarted: the interval is everything since then, 99555 busy of 239507 ticks.
        Assert.Equal(41.6, later.BusyPercentSince(earlier));
        Assert.All(detail.PerCore!, percent => Assert.InRange(percent, 0, 100));
        Assert.InRange(detail.User!.Value, 0, 100);
    }

    [Fact]
    public void Per_core_percents_are_left_out_when_the_online_cpus_changed()
    {
        var earlier = Parse("proc/stat");
        var later = ProcStat.Parse(new StringReader("cpu  70444 0 22026 139466 1086 0 7291 194 0 0\ncpu0 33226 0 10799 72155 67 0 3910 80 0 0\n"));

        var detail = later.DetailSince(earlier);

        Assert.Null(detail.PerCore);
        Assert.Equal(1, detail.Count);
        Assert.Equal(40.0, later.BusyPercentSince(earlier));
    }

    [Fact]
    public void Cpu_percent_counts_missing_fields_of_an_old_kernel_as_zero()
    {
        var percent = Parse("stat-old-kernel-later").BusyPercentSince(Parse("stat-old-kernel-earlier"));

        Assert.Equal(15.8, percent);
    }

    [Fact]
    public void Cpu_percent_is_zero_when_no_ticks_passed()
    {
        var reading = Parse("proc/stat");

        Assert.Equal(0, reading.BusyPercentSince(reading));
        Assert.Equal([0.0, 0.0], reading.DetailSince(reading).PerCore!);
    }

    [Theory]
    [InlineData("intr 1 2 3\nctxt 4\n")]
    [InlineData("cpu  1 2 3\n")]
    [InlineData("cpu  1 2 three 4\n")]
    [InlineData("cpu  1 2 3 4\ncpu0 1 2 3\n")]
    [InlineData("cpu  1 2 3 4\nbtime soon\n")]
    public void Proc_stat_without_usable_cpu_lines_is_a_format_error(string content)
    {
        Assert.Throws<FormatException>(() => ProcStat.Parse(new StringReader(content)));
    }

    private static ProcStat Parse(string fixture)
    {
        using var stat = Fixture.Open(fixture);
        return ProcStat.Parse(stat);
    }
}
