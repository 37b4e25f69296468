using Monitoring.Agent.Checks;

namespace Monitoring.Agent.Tests.Checks;

public sealed class NetworkTargetTests
{
    [Fact]
    public void A_list_of_every_kind_is_parsed_in_order()
    {
        var targets = NetworkTarget.ParseList(
            "tcp://db.internal:5432, icmp://gateway.internal,https://example.org/health,http://127.0.0.1:8080/health",
            out var badEntry);

        Assert.Null(badEntry);
        Assert.Equal(
            [
                new NetworkTarget(CheckKind.Tcp, "db.internal", 5432, null),
                new NetworkTarget(CheckKind.Icmp, "gateway.internal", null, null),
                new NetworkTarget(CheckKind.Http, "example.org", 443, new Uri("https://example.org/health")),
                new NetworkTarget(CheckKind.Http, "127.0.0.1", 8080, new Uri("http://127.0.0.1:8080/health")),
            ],
            targets);
    }

    [Fact]
    public void An_icmp_target_may_name_the_tcp_port_tried_where_icmp_is_not_permitted()
    {
        var target = Assert.Single(NetworkTarget.ParseList("icmp://gateway.internal:22", out var badEntry));

        Assert.Null(badEntry);
        Assert.Equal(new NetworkTarget(CheckKind.Icmp, "gateway.internal", 22, null), target);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" , ")]
    public void An_empty_setting_means_no_checks(string setting)
    {
        Assert.Empty(NetworkTarget.ParseList(setting, out var badEntry));
        Assert.Null(badEntry);
    }

    [Theory]
    [InlineData("db.internal:5432")]
    [InlineData("tcp://db.internal")]
    [InlineData("tcp://db.internal:0")]
    [InlineData("tcp://db.internal:70000")]
    [InlineData("tcp://db.internal:5432/path")]
    [InlineData("icmp://gateway.internal:0")]
    [InlineData("icmp://gateway.internal/path")]
    [InlineData("udp://dns.internal:53")]
    [InlineData("ftp://files.example")]
    [InlineData("https://user:secret@example.org/")]
    [InlineData("https://example.org/#fragment")]
    public void A_bad_entry_is_reported(string entry)
    {
        var targets = NetworkTarget.ParseList($"icmp://gateway.internal,{entry}", out var badEntry);

        Assert.Equal(entry, badEntry);
        Assert.Empty(targets);
    }
}
