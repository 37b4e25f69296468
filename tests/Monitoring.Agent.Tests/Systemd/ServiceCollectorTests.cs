using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Systemd;
using Monitoring.Agent.Tests.Commands;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Systemd;

public sealed class ServiceCollectorTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeLogger<ServiceCollector> _logger = new();
    private readonly string _calls;
    private readonly string _failed;

    public ServiceCollectorTests()
    {
        _calls = _directory.File("calls");
        _failed = _directory.File("failed.json");
        File.Copy(Fixture.Path(Path.Combine("systemctl", "list-units-failed.json")), _failed);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Failed_units_and_the_configured_ones_are_shown_with_their_states_and_restarts()
    {
        using var collector = Collector(FakeSystemctl(), "nginx,postgresql@15-main,apt-daily.timer");

        collector.Refresh();
        await collector.Reading;

        Assert.Equal(
            [
                "list-units --state=failed --output=json --no-pager",
                "show --property=Id,ActiveState,SubState,NRestarts --no-pager -- nginx.service postgresql@15-main.service apt-daily.timer backup.service certbot-renew.service",
            ],
            File.ReadAllLines(_calls));
        Assert.Equal(5, collector.Latest!.Count);
        Assert.Equal(new ServiceState { Unit = "postgresql@15-main.service", ActiveState = "activating", SubState = "auto-restart", Restarts = 3 }, collector.Latest[1]);
    }

    [Fact]
    public async Task A_unit_that_failed_stays_reported_after_it_recovers_so_its_alert_can_resolve()
    {
        using var collector = Collector(FakeSystemctl(), "nginx");
        collector.Refresh();
        await collector.Reading;
        File.Copy(Fixture.Path(Path.Combine("systemctl", "list-units-none.json")), _failed, overwrite: true);

        collector.Refresh();
        await collector.Reading;

        Assert.EndsWith("-- nginx.service backup.service certbot-renew.service", File.ReadAllLines(_calls)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_failed_or_configured_units_nothing_is_shown_and_the_sample_has_no_services()
    {
        File.Copy(Fixture.Path(Path.Combine("systemctl", "list-units-none.json")), _failed, overwrite: true);
        using var collector = Collector(FakeSystemctl(), "");

        collector.Refresh();
        await collector.Reading;

        Assert.Equal(["list-units --state=failed --output=json --no-pager"], File.ReadAllLines(_calls));
        Assert.Null(collector.Latest);
    }

    [Fact]
    public async Task A_systemctl_that_cannot_reach_systemd_leaves_services_out_and_is_logged_once()
    {
        var systemctl = StandInCommand.Write(_directory, "systemctl", """
            echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2
            echo "Failed to connect to bus: Host is down" >&2
            exit 1
            """);
        using var collector = Collector(systemctl, "nginx");

        for (var read = 0; read < 3; read++)
        {
            collector.Refresh();
            await collector.Reading;
        }

        Assert.Null(collector.Latest);
        var logged = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Contains("systemctl exited with 1: System has not been booted with systemd", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_systemctl_does_not_hold_up_the_sample_is_killed_and_a_recovery_is_logged()
    {
        var pidFile = _directory.File("pid");
        var systemctl = StandInCommand.Hanging(_directory, "systemctl", pidFile);
        using var collector = Collector(systemctl, "nginx", timeoutSeconds: 2);

        collector.Refresh();
        var sample = collector.Latest;
        var stillRunning = !collector.Reading.IsCompleted;
        var sleeper = await StandInCommand.PidAsync(pidFile);
        await collector.Reading;
        await Eventually.TrueAsync(() => !StandInCommand.IsRunning(sleeper), "the hanging command's child was killed");
        FakeSystemctl();
        collector.Refresh();
        await collector.Reading;

        Assert.True(stillRunning, "the sample was taken while systemctl still ran");
        Assert.Null(sample);
        Assert.NotNull(collector.Latest);
        Assert.Equal(
            ["Reading systemd units with systemctl failed (systemctl did not finish within 2 s (COMMAND_TIMEOUT) and was killed)", "Reading systemd units with systemctl works again"],
            _logger.Collector.GetSnapshot().Select(record => record.Message.Split(';')[0]));
    }

    [Fact]
    public async Task Switched_off_systemctl_is_never_run()
    {
        using var collector = Collector(FakeSystemctl(), "nginx", enabled: false);

        collector.Refresh();
        await collector.Reading;

        Assert.Null(collector.Latest);
        Assert.False(File.Exists(_calls));
    }

    private string FakeSystemctl() => StandInCommand.Write(_directory, "systemctl", $"""
        echo "$*" >> '{_calls}'
        case "$1" in
          list-units) cat '{_failed}' ;;
          show) cat '{Fixture.Path(Path.Combine("systemctl", "show"))}' ;;
        esac
        """);

    private ServiceCollector Collector(string systemctl, string services, double timeoutSeconds = 30, bool enabled = true) => new(
        new SystemdSources(systemctl),
        Options.Create(new AgentOptions { Services = services, CommandTimeout = timeoutSeconds, ServicesEnabled = enabled }),
        TimeProvider.System,
        _logger);
}
