using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Monitoring.Contracts;
using Monitoring.Silo.Export;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Export;

public sealed partial class FleetExpositionTests
{
    private static readonly DateTimeOffset Seen = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed()
    {
        var text = Write([Agent("a-1", "web \"1\"\\prod\nsecond line", ("cpu_percent", 12.5))]);

        Assert.Contains("monitoring_agent_cpu_percent{agent_id=\"a-1\",agent_name=\"web \\\"1\\\"\\\\prod\\nsecond line\"} 12.5\n", text, StringComparison.Ordinal);
        Assert.Equal("web \"1\"\\prod\nsecond line", Parse(text).First(s => s.Metric == "monitoring_agent_up").Labels["agent_name"]);
    }

    [Theory]
    [InlineData("cpu_percent", "monitoring_agent_cpu_percent", null, null)]
    [InlineData("memory.percent", "monitoring_agent_memory_percent", null, null)]
    [InlineData("disk.percent", "monitoring_agent_disk_percent", null, null)]
    [InlineData("load.load1", "monitoring_agent_load_load1", null, null)]
    [InlineData("disk[/home].percent", "monitoring_agent_mount_percent", "mount", "/home")]
    [InlineData("net[eth0].rx_bytes_per_sec", "monitoring_agent_interface_rx_bytes_per_sec", "interface", "eth0")]
    [InlineData("check[https://example.org/a[1]].latency_ms", "monitoring_agent_check_latency_ms", "target", "https://example.org/a[1]")]
    [InlineData("temp[coretemp/Package id 0].celsius", "monitoring_agent_temperature_celsius", "sensor", "coretemp/Package id 0")]
    [InlineData("cpu.core[3]", "monitoring_agent_cpu_core_percent", "core", "3")]
    [InlineData("service[nginx.service].active", "monitoring_agent_service_active", "unit", "nginx.service")]
    [InlineData("odd-kind é[x].a.b", "monitoring_agent_odd_kind___a_b", "name", "x")]
    public void Series_map_to_legal_names_with_the_thing_as_a_label(string series, string metric, string? label, string? value)
    {
        var mapped = SeriesMetric.Of(series);

        Assert.Equal((metric, label, value), (mapped.Metric, mapped.LabelName, mapped.LabelValue));
        Assert.True(PrometheusText.IsLegal(mapped.Metric));
    }

    [Fact]
    public void Any_series_name_maps_to_a_legal_metric_name()
    {
        Prop.ForAll(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).ToArbitrary(), series =>
            PrometheusText.IsLegal(SeriesMetric.Of(series).Metric)).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Any_agent_name_and_thing_reads_back_unchanged_from_well_formed_lines()
    {
        var strings = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null);
        Prop.ForAll(Gen.Two(strings).ToArbitrary(), input =>
        {
            var (name, mount) = input;
            var samples = Parse(Write([Agent("a-1", name, ($"disk[{mount}].percent", 40))]));
            var disk = Assert.Single(samples, s => s.Metric == "monitoring_agent_mount_percent");
            Assert.Equal(Utf8RoundTrip(name), disk.Labels["agent_name"]);
            Assert.Equal(40, disk.Value);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Each_metric_has_one_header_and_its_lines_together_across_agents()
    {
        var text = Write(
        [
            Agent("a-1", "one", ("cpu_percent", 1), ("disk[/].percent", 10), ("disk[/home].percent", 11)),
            Agent("a-2", "two", ("cpu_percent", 2), ("disk[/].percent", 20)),
        ]);

        var metrics = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l[..l.IndexOf('{', StringComparison.Ordinal)]).ToList();
        var runs = metrics.Where((m, i) => i == 0 || metrics[i - 1] != m).ToList();
        Assert.Equal(runs.Distinct().Count(), runs.Count);
        Assert.Equal([.. runs, "monitoring_alert_firing"], TypeLine().Matches(text).Select(m => m.Groups[1].Value));
        Assert.Equal(3, Parse(text).Count(s => s.Metric == "monitoring_agent_mount_percent"));
        Assert.Equal(["1", "2"], Parse(text).Where(s => s.Metric == "monitoring_agent_cpu_percent").Select(s => s.Text));
    }

    [Fact]
    public void Up_says_which_agents_are_down_and_firing_alerts_carry_rule_agent_severity_and_series()
    {
        var alert = new AlertEvent
        {
            AlertId = "x", RuleId = "disk_full", RuleName = "disk full", AgentId = "a-2", AgentName = "two", Series = "disk[/home].percent",
            From = "pending", To = "firing", Severity = "critical", Summary = "disk full",
        };

        var samples = Parse(Write([Agent("a-1", "one"), Agent("a-2", "two")], [true, false], [alert]));

        Assert.Equal([1.0, 0.0], samples.Where(s => s.Metric == "monitoring_agent_up").Select(s => s.Value));
        Assert.Equal(Seen.ToUnixTimeSeconds(), samples.First(s => s.Metric == "monitoring_agent_last_seen_timestamp_seconds").Value);
        var firing = Assert.Single(samples, s => s.Metric == "monitoring_alert_firing");
        Assert.Equal(
            new Dictionary<string, string> { ["rule_id"] = "disk_full", ["agent_id"] = "a-2", ["severity"] = "critical", ["series"] = "disk[/home].percent" },
            firing.Labels);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(-3, "-3")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_written_as_prometheus_reads_them(double value, string expected)
    {
        var sample = Parse(Write([Agent("a-1", "one", ("cpu_percent", value))])).Single(s => s.Metric == "monitoring_agent_cpu_percent");

        Assert.Equal(expected, sample.Text);
    }

    private static AgentLatest Agent(string id, string name, params (string Series, double Value)[] values) => new(
        new RegisteredAgent(id, name, Seen, Seen, 60, Seen, null, null, null, null),
        [.. values.Select(v => new KeyValuePair<string, double>(v.Series, v.Value))]);

    private static string Write(IReadOnlyList<AgentLatest> agents, IReadOnlyList<bool>? up = null, IReadOnlyList<AlertEvent>? firing = null) =>
        Encoding.UTF8.GetString(new FleetExposition().Write(agents, up ?? [.. agents.Select(_ => true)], firing ?? []));

    /// <summary>What UTF-8 keeps of a string: an unpaired surrogate becomes U+FFFD.</summary>
    private static string Utf8RoundTrip(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>Every sample line, checked against the text format's grammar; any other line must be a HELP or TYPE line.</summary>
    private static List<(string Metric, Dictionary<string, string> Labels, string Text, double Value)> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new List<(string, Dictionary<string, string>, string, double)>();
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(HeaderLine(), line);
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, line);
            var labels = match.Groups["name"].Captures.Select((c, i) => (c.Value, Unescape(match.Groups["value"].Captures[i].Value)))
                .ToDictionary(l => l.Item1, l => l.Item2);
            var value = match.Groups["number"].Value;
            samples.Add((match.Groups["metric"].Value, labels, value, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            }));
        }

        return samples;
    }

    private static string Unescape(string value) => EscapeSequence().Replace(value, m => m.Value[1] == 'n' ? "\n" : m.Value[1..]);

    [GeneratedRegex(@"^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* ([^\\\n]|\\\\|\\n)*|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* gauge)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?:(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\\n]|\\["\\n])*)",?)*\} (?<number>NaN|[+-]Inf|-?[0-9.]+(?:E[+-][0-9]+)?)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"\\[""\\n]")]
    private static partial Regex EscapeSequence();
}
