using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class SensorCollectorTests
{
    private static readonly SensorSources Workstation = new(Fixture.Path("sys-class-hwmon"), Fixture.Path("sys-devices-system-cpu"));

    [Fact]
    public async Task Sample_carries_temperatures_fans_frequency_and_from_the_second_sample_on_throttling()
    {
        var collector = Create(Workstation, enabled: true);

        var first = await collector.CollectAsync(TestContext.Current.CancellationToken);
        var second = await collector.CollectAsync(TestContext.Current.CancellationToken);

        Assert.Equal(14, first!.Temperatures!.Count);
        Assert.Equal(3, first.Fans!.Count);
        Assert.Equal(1975, first.CpuFrequencyMhz);
        Assert.Null(first.CpuThrottleCount);
        Assert.Null(first.PackageThrottleCount);
        Assert.Equal(0, second!.CpuThrottleCount);
        Assert.Equal(0, second.PackageThrottleCount);
    }

    [Fact]
    public async Task A_host_exposing_no_sensor_sends_none()
    {
        var collector = Create(new SensorSources(Fixture.Path("no-such-directory"), Fixture.Path("sys-devices-system-cpu-vm")), enabled: true);

        Assert.Null(await collector.CollectAsync(TestContext.Current.CancellationToken));
        Assert.Null(await collector.CollectAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Sensors_switched_off_are_left_out()
    {
        Assert.NotNull(await Create(Workstation, enabled: true).CollectAsync(TestContext.Current.CancellationToken));
        Assert.Null(await Create(Workstation, enabled: false).CollectAsync(TestContext.Current.CancellationToken));
    }

    private static SensorCollector Create(SensorSources sources, bool enabled) => new(
        sources,
        Options.Create(new AgentOptions { SensorsEnabled = enabled }),
        TimeProvider.System,
        NullLogger<SensorCollector>.Instance);
}
