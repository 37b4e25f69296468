using System.Buffers;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Export;

/// <summary>
/// The fleet as one Prometheus scrape: <c>monitoring_agent_up</c> and <c>monitoring_agent_last_seen_timestamp_seconds</c>
/// per agent, each agent's newest values under <see cref="SeriesMetric"/>'s names (every metric's lines together, as the
/// format asks), then <c>monitoring_alert_firing</c> per firing alert. Every line is written as UTF-8 straight into one
/// buffer; each series' metric name and escaped label are kept between calls, so a scrape of an unchanged fleet makes
/// no strings. One caller at a time.
/// </summary>
public sealed class FleetExposition
{
    /// <summary>Series kept at most; past this the cache starts over (checks and mounts come and go).</summary>
    private const int MaxCachedSeries = 100_000;

    private const string Up = "monitoring_agent_up";
    private const string LastSeen = "monitoring_agent_last_seen_timestamp_seconds";
    private const string AlertFiring = "monitoring_alert_firing";

    private readonly Dictionary<string, CachedSeries> _series = new(StringComparer.Ordinal);

    /// <param name="agents">Every agent with its newest values.</param>
    /// <param name="isUp">Whether each agent (by index in <paramref name="agents"/>) is up or late rather than down.</param>
    /// <param name="firing">The firing alerts.</param>
    public byte[] Write(IReadOnlyList<AgentLatest> agents, IReadOnlyList<bool> isUp, IReadOnlyList<AlertEvent> firing)
    {
        var output = new ArrayBufferWriter<byte>(4096 + (agents.Count * 1024));
        var agentLabels = new byte[agents.Count][];
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        for (var i = 0; i < agents.Count; i++)
        {
            agentLabels[i] = AgentLabels(agents[i].Agent);
            foreach (var (series, value) in agents[i].Values)
            {
                var cached = Cached(series);
                if (!families.TryGetValue(cached.Metric, out var family))
                {
                    families[cached.Metric] = family = new Family(cached.Help, []);
                }

                family.Lines.Add(new Line(i, cached.Label, value));
            }
        }

        WriteHeader(output, Up, "1 when the agent reports in time (status up or late), 0 when it is down.");
        for (var i = 0; i < agents.Count; i++)
        {
            WriteLine(output, Up, agentLabels[i], [], isUp[i] ? 1 : 0);
        }

        WriteHeader(output, LastSeen, "When the agent's newest sample arrived, in seconds since the Unix epoch.");
        for (var i = 0; i < agents.Count; i++)
        {
            WriteLine(output, LastSeen, agentLabels[i], [], agents[i].Agent.LastSeen.ToUnixTimeMilliseconds() / 1000.0);
        }

        foreach (var (metric, family) in families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            WriteHeader(output, metric, family.Help);
            foreach (var line in family.Lines)
            {
                WriteLine(output, metric, agentLabels[line.Agent], line.Label, line.Value);
            }
        }

        WriteHeader(output, AlertFiring, "1 for each firing alert, by rule, agent, severity and the series it watches.");
        foreach (var alert in firing)
        {
            PrometheusText.WriteAscii(output, AlertFiring);
            WriteLabel(output, "{rule_id=\"", alert.RuleId);
            WriteLabel(output, "\",agent_id=\"", alert.AgentId);
            WriteLabel(output, "\",severity=\"", alert.Severity);
            WriteLabel(output, "\",series=\"", alert.Series);
            PrometheusText.WriteAscii(output, "\"} 1\n");
        }

        return output.WrittenSpan.ToArray();
    }

    private CachedSeries Cached(string series)
    {
        if (_series.TryGetValue(series, out var cached))
        {
            return cached;
        }

        if (_series.Count >= MaxCachedSeries)
        {
            _series.Clear();
        }

        var metric = SeriesMetric.Of(series);
        byte[] label = [];
        if (metric.LabelName is { } name)
        {
            var bytes = new ArrayBufferWriter<byte>();
            WriteLabel(bytes, "," + name + "=\"", metric.LabelValue!);
            PrometheusText.WriteAscii(bytes, "\"");
            label = bytes.WrittenSpan.ToArray();
        }

        return _series[series] = new CachedSeries(metric.Metric, label, $"Each agent's newest value of the series {metric.Pattern}.");
    }

    private static byte[] AgentLabels(RegisteredAgent agent)
    {
        var bytes = new ArrayBufferWriter<byte>(64);
        WriteLabel(bytes, "agent_id=\"", agent.AgentId);
        WriteLabel(bytes, "\",agent_name=\"", agent.AgentName);
        PrometheusText.WriteAscii(bytes, "\"");
        return bytes.WrittenSpan.ToArray();
    }

    private static void WriteLabel(IBufferWriter<byte> output, string before, string value)
    {
        PrometheusText.WriteAscii(output, before);
        PrometheusText.WriteLabelValue(output, value);
    }

    private static void WriteHeader(IBufferWriter<byte> output, string metric, string help)
    {
        PrometheusText.WriteAscii(output, "# HELP ");
        PrometheusText.WriteAscii(output, metric);
        output.Write(" "u8);
        PrometheusText.WriteHelp(output, help);
        output.Write("\n# TYPE "u8);
        PrometheusText.WriteAscii(output, metric);
        output.Write(" gauge\n"u8);
    }

    private static void WriteLine(IBufferWriter<byte> output, string metric, byte[] agentLabels, byte[] label, double value)
    {
        PrometheusText.WriteAscii(output, metric);
        output.Write("{"u8);
        output.Write(agentLabels);
        output.Write(label);
        output.Write("} "u8);
        PrometheusText.WriteValue(output, value);
        output.Write("\n"u8);
    }

    private sealed record CachedSeries(string Metric, byte[] Label, string Help);

    private sealed record Family(string Help, List<Line> Lines);

    private readonly record struct Line(int Agent, byte[] Label, double Value);
}
