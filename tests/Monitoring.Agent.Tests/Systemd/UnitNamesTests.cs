using Monitoring.Agent.Systemd;

namespace Monitoring.Agent.Tests.Systemd;

public sealed class UnitNamesTests
{
    [Fact]
    public void A_name_without_a_unit_type_is_a_service_and_repeats_are_dropped()
    {
        var units = UnitNames.ParseList(" nginx, postgresql@15-main ,nginx.service,apt-daily.timer,,", out var badEntry);

        Assert.Null(badEntry);
        Assert.Equal(["nginx.service", "postgresql@15-main.service", "apt-daily.timer"], units);
    }

    [Theory]
    [InlineData("nginx,two words")]
    [InlineData("nginx;reboot")]
    [InlineData("web[1]")]
    public void A_name_systemd_would_refuse_is_named(string setting)
    {
        var units = UnitNames.ParseList(setting, out var badEntry);

        Assert.Empty(units);
        Assert.Equal(setting.Split(',')[^1], badEntry);
    }
}
