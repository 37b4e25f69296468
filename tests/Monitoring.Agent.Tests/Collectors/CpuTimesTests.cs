using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class CpuTimesTests
{
    [Fact]
    public void Cpu_times_are_read_from_the_aggregate_line_of_a_real_proc_stat()
    {
        using var stat = Fixture.Open("stat-real");

        var times = CpuTimes.Parse(stat);

        // cpu  70144 0 21926 138916 1036 0 7291 194 0 0: idle + iowait are not busy, guest columns are already in user.
        Assert.Equal(70144UL + 0 + 21926 + 138916 + 1036 + 0 + 7291 + 194, times.Total);
        Assert.Equal(times.Total - 138916 - 1036, times.Busy);
    }

    [Fact]
    public void Cpu_percent_is_computed_from_stat_deltas()
    {
        using var earlierFile = Fixture.Open("stat-real");
        using var laterFile = Fixture.Open("stat-later");
        var earlier = CpuTimes.Parse(earlierFile);
        var later = CpuTimes.Parse(laterFile);

        // Between the two files: user +300, system +100, idle +550, iowait +50, so 400 of 1000 ticks were busy.
        Assert.Equal(40.0, later.BusyPercentSince(earlier));
    }

    [Fact]
    public void Cpu_percent_counts_missing_fields_of_an_old_kernel_as_zero()
    {
        using var earlierFile = Fixture.Open("stat-old-kernel-earlier");
        using var laterFile = Fixture.Open("stat-old-kernel-later");

        var percent = CpuTimes.Parse(laterFile).BusyPercentSince(CpuTimes.Parse(earlierFile));

        Assert.Equal(15.8, percent);
    }

    [Fact]
    public void Cpu_percent_is_zero_when_no_ticks_passed()
    {
        using var stat = Fixture.Open("stat-real");
        var times = CpuTimes.Parse(stat);

        Assert.Equal(0, times.BusyPercentSince(times));
    }

    [Theory]
    [InlineData("intr 1 2 3\nctxt 4\n")]
    [InlineData("cpu  1 2 3\n")]
    [InlineData("cpu  1 2 three 4\n")]
    public void Proc_stat_without_a_usable_cpu_line_is_a_format_error(string content)
    {
        Assert.Throws<FormatException>(() => CpuTimes.Parse(new StringReader(content)));
    }
}
