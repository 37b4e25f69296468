namespace Monitoring.Silo.Export;

/// <summary>
/// Where a series of a sample (<see cref="Abstractions.MetricSeries"/>) goes in Prometheus: the headline values and other
/// single values become <c>monitoring_agent_&lt;series&gt;</c> (<c>cpu_percent</c>, <c>memory.total</c> as
/// <c>monitoring_agent_memory_total</c>); a value of one of several things becomes one metric per field with the thing as
/// a label: <c>disk[/home].percent</c> is <c>monitoring_agent_mount_percent{mount="/home"}</c>,
/// <c>net[eth0].rx_bytes_per_sec</c> is <c>monitoring_agent_interface_rx_bytes_per_sec{interface="eth0"}</c>,
/// <c>check[db:5432].latency_ms</c> is <c>monitoring_agent_check_latency_ms{target="db:5432"}</c>.
/// </summary>
/// <param name="Metric">The metric's legal name.</param>
/// <param name="LabelName">The label that names the thing, or null for a single value.</param>
/// <param name="LabelValue">The thing, unescaped, or null for a single value.</param>
/// <param name="Pattern">The series names the metric holds, the thing replaced by its label's name: <c>disk[mount].percent</c>.</param>
public readonly record struct SeriesMetric(string Metric, string? LabelName, string? LabelValue, string Pattern)
{
    public const string Prefix = "monitoring_agent_";

    /// <summary>The series kinds in brackets and, for each, the metric's middle part and its label's name.</summary>
    private static readonly Dictionary<string, (string Metric, string Label)> Kinds = new(StringComparer.Ordinal)
    {
        ["disk"] = ("mount", "mount"),
        ["diskio"] = ("disk_io", "device"),
        ["net"] = ("interface", "interface"),
        ["check"] = ("check", "target"),
        ["temp"] = ("temperature", "sensor"),
        ["fan"] = ("fan", "fan"),
        ["smart"] = ("smart", "device"),
        ["raid"] = ("raid", "array"),
        ["service"] = ("service", "unit"),
        ["cpu.core"] = ("cpu_core_percent", "core"),
    };

    public static SeriesMetric Of(string series)
    {
        var open = series.IndexOf('[', StringComparison.Ordinal);
        var close = series.LastIndexOf(']');
        if (open <= 0 || close < open)
        {
            return new(PrometheusText.LegalName(Prefix + series), null, null, series);
        }

        var kind = series[..open];
        var (middle, label) = Kinds.TryGetValue(kind, out var known) ? known : (kind, "name");
        var field = close + 2 < series.Length ? series[(close + 2)..] : "";
        return new(
            PrometheusText.LegalName(Prefix + middle + (field.Length > 0 ? "_" + field : "")),
            label,
            series[(open + 1)..close],
            series[..(open + 1)] + label + series[close..]);
    }
}
