using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class LoadAndUptimeTests
{
    [Fact]
    public void Load_averages_are_read_from_a_real_proc_loadavg()
    {
        using var loadavg = Fixture.Open("proc/loadavg");

        var load = LoadAverageReading.Parse(loadavg);

        Assert.Equal(4.00, load.Load1);
        Assert.Equal(2.57, load.Load5);
        Assert.Equal(2.34, load.Load15);
    }

    [Fact]
    public void Uptime_is_read_in_seconds_from_a_real_proc_uptime()
    {
        using var uptime = Fixture.Open("proc/uptime");

        Assert.Equal(10135.57, UptimeReading.Parse(uptime));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.5 0.4\n")]
    [InlineData("0.5 high 0.3 1/2 3\n")]
    public void A_loadavg_without_three_numbers_is_a_format_error(string content)
    {
        Assert.Throws<FormatException>(() => LoadAverageReading.Parse(new StringReader(content)));
    }

    [Fact]
    public void An_empty_uptime_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => UptimeReading.Parse(new StringReader("")));
    }
}
