using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class ProcessCollectorTests : IDisposable
{
    private readonly TempDirectory _proc = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _proc.Dispose();

    [Fact]
    public async Task First_sample_measures_a_short_window_and_later_ones_the_time_since_the_previous_sample()
    {
        WriteStat(ticks: 1000);
        var collector = Create(topProcesses: 5);

        var first = collector.CollectAsync(TestContext.Current.CancellationToken);
        Assert.False(first.IsCompleted);
        _time.Advance(SystemCollector.FirstCpuWindow);
        var firstSample = await first;

        WriteStat(ticks: 1000 + (ulong)(ProcessCollector.TicksPerSecond / 2));
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await collector.CollectAsync(TestContext.Current.CancellationToken);

        Assert.Empty(firstSample!.ByCpu!);
        Assert.Equal(25 * Environment.SystemPageSize, Assert.Single(firstSample.ByMemory!).RssBytes);
        Assert.Equal(5, Assert.Single(second!.ByCpu!).CpuPercent);
        Assert.Equal(1, second.Total);
    }

    [Fact]
    public async Task Top_processes_switched_off_are_left_out()
    {
        WriteStat(ticks: 1000);
        var on = Create(topProcesses: 1).CollectAsync(TestContext.Current.CancellationToken);
        _time.Advance(SystemCollector.FirstCpuWindow);

        Assert.NotNull(await on);
        Assert.Null(await Create(topProcesses: 0).CollectAsync(TestContext.Current.CancellationToken));
    }

    private void WriteStat(ulong ticks)
    {
        Directory.CreateDirectory(_proc.File("4242"));
        File.WriteAllText(_proc.File("4242/stat"), $"4242 (stress) R 1 4242 4242 0 -1 4194304 0 0 0 0 {ticks} 0 0 0 20 0 1 0 5000 100 25 0 0\n");
    }

    private ProcessCollector Create(int topProcesses) => new(
        new SystemSources(_proc.Path, "/sys/block", "/"),
        Options.Create(new AgentOptions { TopProcesses = topProcesses }),
        _time,
        NullLogger<ProcessCollector>.Instance);
}
