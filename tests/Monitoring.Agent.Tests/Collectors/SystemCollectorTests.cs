using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class SystemCollectorTests : IDisposable
{
    private readonly TempDirectory _proc = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public SystemCollectorTests()
    {
        Directory.CreateDirectory(_proc.File("self"));
        Directory.CreateDirectory(_proc.File("net"));
    }

    public void Dispose() => _proc.Dispose();

    [Fact]
    public async Task First_sample_measures_a_short_window_and_later_ones_the_time_since_the_previous_sample()
    {
        Use("proc/stat", "stat");
        Use("meminfo-with-swap", "meminfo");
        Use("proc/loadavg", "loadavg");
        Use("proc/uptime", "uptime");
        Use("proc/self/mountinfo", "self/mountinfo");
        Use("proc/diskstats", "diskstats");
        Use("proc/net/dev", "net/dev");
        var collector = CreateCollector();

        var first = collector.CollectAsync(TestContext.Current.CancellationToken);
        Assert.False(first.IsCompleted);
        Use("stat-later", "stat");
        Use("net-dev-later", "net/dev");
        _time.Advance(SystemCollector.FirstCpuWindow);
        var firstSample = await first;

        Use("diskstats-later", "diskstats");
        _time.Advance(TimeSpan.FromSeconds(10));
        var secondSample = await collector.CollectAsync(TestContext.Current.CancellationToken);

        Assert.Equal(40.0, firstSample.CpuPercent);
        Assert.Equal([50.0, 30.0], firstSample.Cpu?.PerCore!);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(10), firstSample.Timestamp);
        Assert.Equal(3.0, firstSample.Memory?.Percent);
        Assert.Equal(25.0, firstSample.Swap?.Percent);
        Assert.Equal(4.00, firstSample.Load?.Load1);
        Assert.Equal(10135.57, firstSample.UptimeSeconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795629696), firstSample.BootTime);
        Assert.NotNull(firstSample.Disk);
        var root = Assert.Single(firstSample.Disks!);
        Assert.Equal(("/", "/dev/vda", "ext4"), (root.Mount, root.Device, root.FsType));
        // The first window is 250 ms: 1,000,000 received bytes in it are 4,000,000 per second.
        Assert.Equal(4_000_000, firstSample.Interfaces!.Single(nic => nic.Name == "eth0").RxBytesPerSec);
        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 0, WriteBytesPerSec = 0 }], firstSample.DiskIo);

        Assert.Equal(0, secondSample.CpuPercent);
        Assert.Equal([new DiskIoMetrics { Device = "vda", ReadBytesPerSec = 1_024_000, WriteBytesPerSec = 2_048_000 }], secondSample.DiskIo);
        Assert.Equal(0, secondSample.Interfaces!.Single(nic => nic.Name == "eth0").RxBytesPerSec);
        Assert.Contains(secondSample.Interfaces!, nic => nic.Name == "wg0");
    }

    [Fact]
    public async Task A_part_that_cannot_be_read_is_left_out_of_the_sample()
    {
        Use("proc/stat", "stat");
        var collector = CreateCollector();

        var sample = collector.CollectAsync(TestContext.Current.CancellationToken);
        _time.Advance(SystemCollector.FirstCpuWindow);
        var system = await sample;

        Assert.Null(system.Memory);
        Assert.Null(system.Swap);
        Assert.Null(system.Load);
        Assert.Null(system.Disks);
        Assert.Null(system.DiskIo);
        Assert.Null(system.Interfaces);
        Assert.Null(system.UptimeSeconds);
        Assert.NotNull(system.CpuPercent);
        Assert.NotNull(system.Cpu);
        Assert.NotNull(system.Disk);
    }

    private void Use(string fixture, string procFile) => File.Copy(Fixture.Path(fixture), _proc.File(procFile), overwrite: true);

    private SystemCollector CreateCollector() =>
        new(new SystemSources(_proc.Path, Fixture.Path("sys-block"), "/"), _time, NullLogger<SystemCollector>.Instance);
}
