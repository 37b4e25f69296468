using Monitoring.Agent.Systemd;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Systemd;

public sealed class SystemctlOutputTests
{
    [Fact]
    public void List_units_gives_the_failed_units_names()
    {
        Assert.Equal(["backup.service", "certbot-renew.service"], SystemctlOutput.ParseUnitNames(Read("list-units-failed.json")));
        Assert.Empty(SystemctlOutput.ParseUnitNames(Read("list-units-none.json")));
    }

    [Theory]
    [InlineData("UNIT LOAD ACTIVE SUB DESCRIPTION")]
    [InlineData("""{"unit": "nginx.service"}""")]
    public void List_units_output_that_is_not_a_json_list_is_a_format_error(string output) =>
        Assert.Throws<FormatException>(() => SystemctlOutput.ParseUnitNames(output));

    [Fact]
    public void Show_gives_each_units_states_and_restarts_which_only_services_have()
    {
        using var show = Fixture.Open(Path.Combine("systemctl", "show"));

        Assert.Equal(
            [
                new ServiceState { Unit = "nginx.service", ActiveState = "active", SubState = "running", Restarts = 0 },
                new ServiceState { Unit = "postgresql@15-main.service", ActiveState = "activating", SubState = "auto-restart", Restarts = 3 },
                new ServiceState { Unit = "backup.service", ActiveState = "failed", SubState = "failed", Restarts = 0 },
                new ServiceState { Unit = "certbot-renew.service", ActiveState = "failed", SubState = "failed", Restarts = 0 },
                new ServiceState { Unit = "apt-daily.timer", ActiveState = "active", SubState = "waiting" },
            ],
            SystemctlOutput.ParseShow(show));
    }

    [Fact]
    public void Show_output_that_is_not_key_value_lines_is_a_format_error()
    {
        using var show = new StringReader("Failed to connect to bus: Host is down\n");

        Assert.Throws<FormatException>(() => SystemctlOutput.ParseShow(show));
    }

    private static string Read(string name) => File.ReadAllText(Fixture.Path(Path.Combine("systemctl", name)));
}
