using System.Globalization;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.DiskHealth;
using Monitoring.Agent.Tests.Commands;

namespace Monitoring.Agent.Tests.DiskHealth;

public sealed class DiskHealthCollectorTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<DiskHealthCollector> _logger = new();
    private readonly string _calls;

    public DiskHealthCollectorTests()
    {
        _calls = _directory.File("calls");
        foreach (var name in new[] { "scan.json", "sata.json", "sata-failing.json", "nvme.json" })
        {
            File.Copy(Fixture.Path(Path.Combine("smartctl", name)), _directory.File(name));
        }
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_scanned_disk_is_read_and_samples_carry_the_reading_until_smart_interval_has_passed()
    {
        using var collector = Collector(FakeSmartctl());

        collector.Refresh();
        await collector.SmartReading;
        var first = collector.Latest();
        _time.Advance(TimeSpan.FromSeconds(599));
        collector.Refresh();
        await collector.SmartReading;
        var callsBefore = File.ReadAllLines(_calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        collector.Refresh();
        await collector.SmartReading;

        Assert.Equal(["sda", "sdb", "nvme0"], first!.Smart!.Select(disk => disk.Device));
        Assert.Equal([true, false, true], first.Smart!.Select(disk => disk.Healthy));
        Assert.Null(first.Raid);
        Assert.Equal(
            [
                "--scan --json",
                "--json --info --health --attributes --nocheck=standby --device=sat /dev/sda",
                "--json --info --health --attributes --nocheck=standby --device=sat /dev/sdb",
                "--json --info --health --attributes --nocheck=standby --device=nvme /dev/nvme0",
            ],
            callsBefore);
        Assert.Equal(8, File.ReadAllLines(_calls).Length);
        Assert.Equal(_time.GetUtcNow(), collector.Latest()!.Smart![0].CheckedAt);
    }

    [Fact]
    public async Task A_sleeping_disk_is_not_woken_and_keeps_its_last_reading()
    {
        using var collector = Collector(FakeSmartctl());
        collector.Refresh();
        await collector.SmartReading;
        var awake = collector.Latest()!.Smart![0];
        File.Copy(Fixture.Path(Path.Combine("smartctl", "standby.json")), _directory.File("sata.json"), overwrite: true);
        FakeSmartctl(sdaExit: 2);

        _time.Advance(TimeSpan.FromMinutes(10));
        collector.Refresh();
        await collector.SmartReading;

        Assert.Equal(awake, collector.Latest()!.Smart![0]);
        Assert.NotEqual(_time.GetUtcNow(), awake.CheckedAt);
    }

    [Fact]
    public async Task A_disk_smartctl_cannot_open_is_left_out_and_logged_once_however_often_it_fails()
    {
        File.Copy(Fixture.Path(Path.Combine("smartctl", "permission-denied.json")), _directory.File("sata.json"), overwrite: true);
        using var collector = Collector(FakeSmartctl(sdaExit: 2));

        for (var read = 0; read < 3; read++)
        {
            collector.Refresh();
            await collector.SmartReading;
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(["sdb", "nvme0"], collector.Latest()!.Smart!.Select(disk => disk.Device));
        var logged = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Contains("/dev/sda", logged.Message, StringComparison.Ordinal);
        Assert.Contains("Permission denied", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_smartctl_there_is_no_reading_and_one_line_says_why()
    {
        using var collector = Collector(_directory.File("not-installed/smartctl"));

        for (var read = 0; read < 2; read++)
        {
            collector.Refresh();
            await collector.SmartReading;
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Null(collector.Latest());
        Assert.Contains("not installed", Assert.Single(_logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switched_off_smartctl_is_never_run()
    {
        using var collector = Collector(FakeSmartctl(), options => options.SmartEnabled = false);

        collector.Refresh();
        await collector.SmartReading;

        Assert.Null(collector.Latest());
        Assert.False(File.Exists(_calls));
    }

    [Fact]
    public async Task A_hanging_smartctl_does_not_hold_up_the_sample_and_is_killed_at_its_time_limit()
    {
        var pidFile = _directory.File("pid");
        using var collector = Collector(StandInCommand.Hanging(_directory, "smartctl", pidFile), options => options.CommandTimeout = 2);

        collector.Refresh();
        var sample = collector.Latest();
        var stillRunning = !collector.SmartReading.IsCompleted;
        var sleeper = await StandInCommand.PidAsync(pidFile);
        await collector.SmartReading;

        Assert.True(stillRunning, "the sample was taken while smartctl still ran");
        Assert.Null(sample);
        await Eventually.TrueAsync(() => !StandInCommand.IsRunning(sleeper), "the hanging command's child was killed");
        Assert.Contains("did not finish within 2 s", Assert.Single(_logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raid_arrays_are_read_with_every_sample_and_can_be_switched_off()
    {
        var mdstat = _directory.File("mdstat");
        File.Copy(Fixture.Path("mdstat-healthy"), mdstat);
        using var collector = Collector(FakeSmartctl(), mdstat: mdstat);
        using var switchedOff = Collector(FakeSmartctl(), options => options.RaidEnabled = false, mdstat);

        var healthy = collector.Latest();
        File.Copy(Fixture.Path("mdstat-degraded"), mdstat, overwrite: true);
        var degraded = collector.Latest();

        Assert.Equal(["healthy", "healthy"], healthy!.Raid!.Select(array => array.State));
        Assert.Equal(["healthy", "recovering", "degraded", "inactive"], degraded!.Raid!.Select(array => array.State));
        Assert.Null(switchedOff.Latest());
    }

    [Fact]
    public void A_host_without_the_md_driver_has_no_arrays_and_logs_nothing()
    {
        using var collector = Collector(FakeSmartctl(), mdstat: _directory.File("no-mdstat"));

        Assert.Null(collector.Latest());
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    /// <summary>A smartctl that prints the fixtures copied into the test's directory, logging each call's arguments.</summary>
    private string FakeSmartctl(int sdaExit = 0) => StandInCommand.Write(_directory, "smartctl", $"""
        echo "$*" >> '{_calls}'
        case "$*" in
          *--scan*) cat '{_directory.File("scan.json")}' ;;
          */dev/sda) cat '{_directory.File("sata.json")}'; exit {sdaExit.ToString(CultureInfo.InvariantCulture)} ;;
          */dev/sdb) cat '{_directory.File("sata-failing.json")}'; exit 24 ;;
          */dev/nvme0) cat '{_directory.File("nvme.json")}' ;;
        esac
        """);

    private DiskHealthCollector Collector(string smartctl, Action<AgentOptions>? configure = null, string? mdstat = null)
    {
        var options = new AgentOptions { CommandTimeout = 30 };
        configure?.Invoke(options);
        return new DiskHealthCollector(new DiskHealthSources(smartctl, mdstat ?? _directory.File("no-mdstat")), Options.Create(options), _time, _logger);
    }
}
