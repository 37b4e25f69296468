using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitoring.Abstractions;
using Monitoring.Silo.Export;
using Monitoring.Silo.Storage;
using Monitoring.Tests.Rooms;

namespace Monitoring.Tests.Export;

/// <summary>The Grafana dashboard in <c>deploy/grafana/</c> is valid JSON and every query in it reads only what our export produces.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string Dashboard = Path.Combine(SiloRoomsTests.RepositoryRoot(), "deploy", "grafana", "monitoring-fleet.json");

    /// <summary>PromQL's words that are neither functions nor metrics.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
    };

    [Fact]
    public void Every_query_of_the_dashboard_reads_only_metrics_the_export_produces()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var exported = ExportedMetrics();
        var queries = Queries(document.RootElement).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, query =>
        {
            var metrics = Metrics(query);
            Assert.NotEmpty(metrics);
            Assert.Empty(metrics.Except(exported));
        });
        Assert.All(document.RootElement.GetProperty("panels").EnumerateArray(), panel =>
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public void The_metric_reader_finds_a_metric_the_export_lacks()
    {
        Assert.Equal(["node_cpu_seconds_total", "monitoring_agent_up"],
            Metrics("""sum by (agent_name) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) / on (agent_name) monitoring_agent_up"""));
    }

    /// <summary>Every metric name the export writes for a fully detailed sample (its <c># TYPE</c> lines).</summary>
    private static HashSet<string> ExportedMetrics()
    {
        var sample = Samples.Detailed("a-1", Samples.RecentTime());
        var agent = new AgentLatest(
            new RegisteredAgent("a-1", "one", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 60, null, null, null, null, null),
            [.. MetricSeries.Flatten(sample)]);
        var text = Encoding.UTF8.GetString(new FleetExposition().Write([agent], [true], []));
        return [.. TypeLine().Matches(text).Select(m => m.Groups[1].Value)];
    }

    /// <summary>Every PromQL expression: the panels' targets and the query variables (the series of a <c>label_values</c>).</summary>
    private static IEnumerable<string> Queries(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return target.GetProperty("expr").GetString()!;
            }
        }

        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                var definition = variable.GetProperty("definition").GetString()!;
                yield return LabelValues().Match(definition) is { Success: true } match ? match.Groups[1].Value : definition;
            }
        }
    }

    /// <summary>
    /// The metric names of a PromQL expression: its words once strings, label matchers, ranges and grouping lists are
    /// gone, other than functions (a word before a parenthesis), keywords and numbers.
    /// </summary>
    private static List<string> Metrics(string query)
    {
        var bare = Grouping().Replace(Range().Replace(Matchers().Replace(Strings().Replace(query, ""), ""), ""), "");
        return [.. Word().Matches(bare).Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["word"].Value)).Select(m => m.Groups["word"].Value)];
    }

    [GeneratedRegex(@"^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w$])(?<word>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Word();
}
