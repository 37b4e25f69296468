using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class AgentHealthStampTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly DiskSpool _spool;

    public AgentHealthStampTests()
    {
        _spool = new DiskSpool(_directory.Path, 1024 * 1024, 1024 * 1024, TimeSpan.FromDays(1), new AgentTelemetry(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), _time, NullLogger<DiskSpool>.Instance);
    }

    public void Dispose()
    {
        _spool.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void A_sample_carries_the_spool_state_the_version_the_os_and_the_clock_offset()
    {
        var clock = new ClockOffset();
        clock.Observe(Start.AddSeconds(2), Start, Start);
        var stamp = new AgentHealthStamp(_spool, clock, _time);
        _spool.Enqueue(new MetricsReport { AgentId = "a", Timestamp = Start });
        _spool.Enqueue(new MetricsReport { AgentId = "a", Timestamp = Start.AddSeconds(30) });
        _time.Advance(TimeSpan.FromSeconds(90));

        var health = stamp.Stamp(new MetricsReport { AgentId = "a", Timestamp = _time.GetUtcNow() }).Agent!;

        Assert.Equal(2, health.SpoolDepth);
        Assert.Equal(_spool.Status.Bytes, health.SpoolBytes);
        Assert.Equal(90, health.OldestUnsentSeconds);
        Assert.Equal(0, health.DroppedTotal);
        Assert.Equal(0, health.RejectedTotal);
        Assert.Equal(2_500, health.ClockOffsetMs);
        Assert.Null(health.Dropped);
        Assert.False(string.IsNullOrEmpty(health.Version));
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString(), health.Os, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_spool_reports_nothing_unsent_and_an_unknown_clock_offset()
    {
        var health = new AgentHealthStamp(_spool, new ClockOffset(), _time).Stamp(new MetricsReport { AgentId = "a", Timestamp = Start }).Agent!;

        Assert.Equal(0, health.SpoolDepth);
        Assert.Equal(0, health.SpoolBytes);
        Assert.Equal(0, health.OldestUnsentSeconds);
        Assert.Null(health.ClockOffsetMs);
        Assert.Equal(0, health.SpoolMemorySamples);
        Assert.Null(health.SpoolError);
    }

    [Fact]
    public void A_spool_that_refuses_writes_reports_why_and_how_many_samples_it_keeps_in_memory()
    {
        Directory.Delete(_directory.Path, recursive: true);
        File.WriteAllText(_directory.Path, "not a directory");
        _spool.Enqueue(new MetricsReport { AgentId = "a", Timestamp = Start });

        var health = new AgentHealthStamp(_spool, new ClockOffset(), _time).Stamp(new MetricsReport { AgentId = "a", Timestamp = Start }).Agent!;

        Assert.Equal(1, health.SpoolMemorySamples);
        Assert.Contains(_directory.Path, health.SpoolError, StringComparison.Ordinal);
    }
}
