using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class SystemCollectorTests : IDisposable
{
    private readonly TempDirectory _proc = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public void Dispose() => _proc.Dispose();

    [Fact]
    public async Task First_cpu_sample_measures_a_short_window_and_later_ones_the_time_since_the_previous_sample()
    {
        File.Copy(Fixture.Path("stat-real"), _proc.File("stat"));
        File.Copy(Fixture.Path("meminfo-real"), _proc.File("meminfo"));
        var collector = CreateCollector();

        var first = collector.CollectAsync(TestContext.Current.CancellationToken);
        Assert.False(first.IsCompleted);
        File.Copy(Fixture.Path("stat-later"), _proc.File("stat"), overwrite: true);
        _time.Advance(SystemCollector.FirstCpuWindow);
        var firstSample = await first;

        File.Copy(Fixture.Path("stat-real"), _proc.File("stat"), overwrite: true);
        var secondSample = await collector.CollectAsync(TestContext.Current.CancellationToken);

        Assert.Equal(40.0, firstSample.CpuPercent);
        Assert.Equal(_time.GetUtcNow(), firstSample.Timestamp);
        Assert.Equal(3.0, firstSample.Memory?.Percent);
        Assert.NotNull(firstSample.Disk);
        // Ticks going backwards (a reboot between samples) must not produce a negative percent.
        Assert.Equal(0, secondSample.CpuPercent);
    }

    [Fact]
    public async Task A_part_that_cannot_be_read_is_left_out_of_the_sample()
    {
        File.Copy(Fixture.Path("stat-real"), _proc.File("stat"));
        var collector = CreateCollector();

        var sample = collector.CollectAsync(TestContext.Current.CancellationToken);
        _time.Advance(SystemCollector.FirstCpuWindow);
        var system = await sample;

        Assert.Null(system.Memory);
        Assert.NotNull(system.CpuPercent);
        Assert.NotNull(system.Disk);
    }

    private SystemCollector CreateCollector() =>
        new(new SystemSources(_proc.File("stat"), _proc.File("meminfo"), "/"), _time, NullLogger<SystemCollector>.Instance);
}
