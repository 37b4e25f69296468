using System.Text;
using Monitoring.Agent.Collectors;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class ProcessTableTests
{
    [Fact]
    public void Every_pid_directory_of_proc_is_read_and_nothing_else()
    {
        var table = ProcessTable.Read(Fixture.Path("proc-processes"), timestamp: 42);

        Assert.Equal(42, table.Timestamp);
        Assert.Equal([1, 2, 97, 812, 1234, 4321], table.Processes.Keys.Order());
        Assert.Equal(new ProcessEntry("systemd", StartTime: 31, CpuTicks: 812 + 1401, ResidentPages: 3240), table.Processes[1]);
        Assert.Equal(new ProcessEntry("kthreadd", 31, 12, 0), table.Processes[2]);
        Assert.Equal("kworker/u8:2-events_unbound", table.Processes[97].Name);
        Assert.Equal(new ProcessEntry("(sd-pam)", 1240, 0, 1140), table.Processes[812]);
        Assert.Equal(new ProcessEntry("Web Content", 880012, 918223 + 100412, 131072), table.Processes[4321]);
    }

    [Theory]
    [InlineData("7 (a) b) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 100 3 0", "a) b", 11UL, 3L)]
    [InlineData("7 (x (y) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 100 3", "x (y", 11UL, 3L)]
    [InlineData("7 () Z 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 0 0", "", 11UL, 0L)]
    public void Command_name_is_between_the_first_open_and_the_last_close_parenthesis(string stat, string name, ulong ticks, long pages)
    {
        var entry = ProcessTable.Parse(Encoding.UTF8.GetBytes(stat));

        Assert.Equal(new ProcessEntry(name, 99, ticks, pages), entry);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7 (cut")]
    [InlineData("7 (short) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 100")]
    [InlineData("7 (bad) S 1 1 1 0 -1 0 0 0 0 0 five 6 0 0 20 0 1 0 99 100 3")]
    public void A_stat_line_without_every_field_needed_is_no_process(string stat)
    {
        Assert.Null(ProcessTable.Parse(Encoding.UTF8.GetBytes(stat)));
    }

    [Fact]
    public void Top_processes_by_cpu_count_the_ticks_since_the_earlier_table_as_a_percent_of_one_cpu()
    {
        var earlier = Table(0, (1, "systemd", 31, 1000, 3000), (20, "postgres", 500, 4000, 60000), (30, "make", 800, 100, 900), (40, "old", 900, 700, 10));
        var later = Table(
            0,
            (1, "systemd", 31, 1010, 3000),       // 10 ticks in 10 s: 1 %
            (20, "postgres", 500, 5500, 61000),   // 1500 ticks: 150 %, busy on more than one CPU
            (30, "make", 800, 100, 900),          // idle: not listed by CPU
            (40, "new", 2000, 50, 20),            // pid reused since: all of its 50 ticks are new
            (50, "cc1", 2100, 300, 4000));        // started in between: all of its ticks count

        var top = later.Top(earlier, seconds: 10, ticksPerSecond: 100, pageSize: 4096, count: 3);

        Assert.Equal(5, top.Total);
        Assert.Equal(
            [
                new ProcessMetrics { Pid = 20, Name = "postgres", CpuPercent = 150, RssBytes = 61000 * 4096L },
                new ProcessMetrics { Pid = 50, Name = "cc1", CpuPercent = 30, RssBytes = 4000 * 4096L },
                new ProcessMetrics { Pid = 40, Name = "new", CpuPercent = 5, RssBytes = 20 * 4096L },
            ],
            top.ByCpu);
        Assert.Equal([20, 50, 1], top.ByMemory!.Select(p => p.Pid));
    }

    [Fact]
    public void Ties_go_to_the_other_measure_then_the_lower_pid_and_kernel_threads_are_not_listed_by_memory()
    {
        var earlier = Table(0, (9, "a", 1, 0, 0), (3, "b", 1, 0, 0), (5, "kworker/0:1", 1, 0, 0), (7, "c", 1, 0, 0));
        var later = Table(0, (9, "a", 1, 10, 100), (3, "b", 1, 10, 100), (5, "kworker/0:1", 1, 20, 0), (7, "c", 1, 10, 200));

        var top = later.Top(earlier, seconds: 1, ticksPerSecond: 100, pageSize: 1, count: 5);

        Assert.Equal([5, 7, 3, 9], top.ByCpu!.Select(p => p.Pid));
        Assert.Equal([7, 3, 9], top.ByMemory!.Select(p => p.Pid));
    }

    [Fact]
    public void Names_any_user_can_set_are_made_safe_to_send()
    {
        var earlier = Table(0);
        var later = Table(0, (66, "evil\u001b]0;owned\u0007\u202E", 1, 5, 5));

        var top = later.Top(earlier, seconds: 1, ticksPerSecond: 100, pageSize: 1, count: 5);

        Assert.Equal("evil\uFFFD]0;owned\uFFFD\uFFFD", Assert.Single(top.ByCpu!).Name);
    }

    [Fact]
    public void Cpu_percent_stays_within_what_the_api_accepts()
    {
        var top = Table(0, (1, "x", 1, ulong.MaxValue / 2, 1)).Top(Table(0), seconds: 0.001, ticksPerSecond: 100, pageSize: 1, count: 1);

        Assert.Equal(SampleLimits.MaxProcessCpuPercent, Assert.Single(top.ByCpu!).CpuPercent);
    }

    private static ProcessTable Table(long timestamp, params (int Pid, string Name, ulong Start, ulong Ticks, long Pages)[] processes) =>
        new(timestamp, processes.ToDictionary(p => p.Pid, p => new ProcessEntry(p.Name, p.Start, p.Ticks, p.Pages)));
}
