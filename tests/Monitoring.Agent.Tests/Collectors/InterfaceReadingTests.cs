using Monitoring.Agent.Collectors;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class InterfaceReadingTests
{
    [Fact]
    public void Every_interface_but_loopback_is_read_from_a_real_proc_net_dev()
    {
        var interfaces = Parse("proc/net/dev");

        Assert.Equal(["eth0", "ifb0", "ifb1"], interfaces.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new InterfaceCounters(413689159, 10993, 0, 0, 748853, 7963, 0, 0), interfaces["eth0"]);
    }

    [Fact]
    public void Rates_per_second_are_counter_deltas_and_a_new_interface_waits_for_the_next_sample()
    {
        var rates = InterfaceReading.RatesSince(Parse("proc/net/dev"), Parse("net-dev-later"), seconds: 10);

        Assert.Equal(["eth0", "ifb0", "ifb1"], rates.Select(rate => rate.Name));
        Assert.Equal(
            new InterfaceMetrics
            {
                Name = "eth0",
                RxBytesPerSec = 100000,
                TxBytesPerSec = 50000,
                RxPacketsPerSec = 100,
                TxPacketsPerSec = 40,
                RxErrorsPerSec = 0.2,
                TxErrorsPerSec = 0,
                RxDropsPerSec = 0.5,
                TxDropsPerSec = 0.1,
            },
            rates[0]);
    }

    [Fact]
    public void A_64_bit_byte_counter_that_wrapped_gives_the_bytes_moved_across_the_wrap()
    {
        var rates = InterfaceReading.RatesSince(Parse("net-dev-wrap-earlier"), Parse("net-dev-wrap-later"), seconds: 10);

        // 18446744073709551000 -> 384 is 1000 bytes past 2^64.
        Assert.Equal(100, rates.Single(rate => rate.Name == "eth0").RxBytesPerSec);
    }

    [Fact]
    public void Counters_of_an_interface_that_was_re_created_count_from_zero_and_never_give_a_negative_rate()
    {
        var rates = InterfaceReading.RatesSince(Parse("proc/net/dev"), Parse("net-dev-reset"), seconds: 10);

        var eth0 = rates.Single(rate => rate.Name == "eth0");
        Assert.Equal(200, eth0.RxBytesPerSec);
        Assert.Equal(100, eth0.TxBytesPerSec);
        Assert.Equal(2, eth0.RxPacketsPerSec);
        Assert.Equal(1, eth0.TxPacketsPerSec);
    }

    [Fact]
    public void A_host_with_more_interfaces_than_the_server_accepts_reports_the_first_by_name()
    {
        var earlier = Enumerable.Range(0, 600).ToDictionary(i => $"veth{i:D3}", _ => new InterfaceCounters());

        var rates = InterfaceReading.RatesSince(earlier, earlier, seconds: 10);

        Assert.Equal(SampleLimits.MaxInterfaces, rates.Count);
        Assert.Equal("veth511", rates[^1].Name);
    }

    [Fact]
    public void An_interface_line_with_too_few_counters_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => InterfaceReading.Parse(new StringReader("  eth0: 1 2 3 4\n")));
    }

    private static IReadOnlyDictionary<string, InterfaceCounters> Parse(string fixture)
    {
        using var reader = Fixture.Open(fixture);
        return InterfaceReading.Parse(reader);
    }
}
