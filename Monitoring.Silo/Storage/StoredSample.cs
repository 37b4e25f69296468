using System.Text.Json;
using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Silo.Storage;

/// <summary>
/// A sample as history stores it: every numeric value under its series name, plus its network checks as JSON (the raw
/// answer returns them whole). Besides <see cref="MetricSeries"/>' names it keeps the headline disk's byte counts under
/// <c>system.disk.*</c>, which answers carry in <c>disk</c> and never among <c>series</c>.
/// </summary>
public static class StoredSample
{
    public const string DiskTotal = "system.disk.total";
    public const string DiskUsed = "system.disk.used";
    public const string DiskFree = "system.disk.free";

    /// <summary>Every value of the record's sample, by series name, headline values first.</summary>
    public static List<KeyValuePair<string, double>> Values(HistoryRecord record)
    {
        var sample = record.Sample;
        var values = new List<KeyValuePair<string, double>>(record.Detail.Count + 12);
        values.AddRange(MetricSeries.Headlines(sample));
        Add(values, DiskTotal, sample.System?.Disk?.Total);
        Add(values, DiskUsed, sample.System?.Disk?.Used);
        Add(values, DiskFree, sample.System?.Disk?.Free);
        values.AddRange(record.Detail);
        values.AddRange(MetricSeries.Checks(sample));
        return values;
    }

    /// <summary>
    /// The sample's network checks as stored, or null when it has none. Latencies are kept once, as their series
    /// (<c>check[target].latency_ms</c>), where each check has a target of its own: the text left then changes only when
    /// a check's status does, and a block stores a repeated text once.
    /// </summary>
    public static string? Network(MetricsReport sample) =>
        sample.Network is { Count: > 0 } checks
            ? JsonSerializer.Serialize(
                HasDistinctTargets(checks) ? [.. checks.Select(c => c with { LatencyMs = null })] : checks,
                MonitoringJsonContext.Default.IReadOnlyListNetworkCheck)
            : null;

    /// <summary>True for the series an answer's <c>series</c> map carries: not the headline values, not the headline disk's bytes.</summary>
    public static bool IsListed(string series) =>
        series is not (MetricSeries.CpuPercent or MetricSeries.MemoryPercent or MetricSeries.DiskPercent or DiskTotal or DiskUsed or DiskFree);

    /// <summary>The stored sample as history answers it; <paramref name="values"/> is keyed by series name.</summary>
    public static HistorySample ToHistorySample(long timestamp, IReadOnlyDictionary<string, double> values, string? network)
    {
        var checks = network is null
            ? []
            : JsonSerializer.Deserialize(network, MonitoringJsonContext.Default.IReadOnlyListNetworkCheck) ?? [];
        if (HasDistinctTargets(checks))
        {
            checks = [.. checks.Select(c => c.LatencyMs is null && values.TryGetValue($"check[{MetricSeries.CheckTarget(c)}].latency_ms", out var latency)
                ? c with { LatencyMs = latency }
                : c)];
        }
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (IsListed(name))
            {
                series[name] = value;
            }
        }

        var memory = values.GetValueOrDefault(MetricSeries.MemoryPercent);
        var disk = values.GetValueOrDefault(MetricSeries.DiskPercent);
        return new HistorySample
        {
            Timestamp = UnixMicroseconds.ToTime(timestamp),
            CpuPercent = values.GetValueOrDefault(MetricSeries.CpuPercent),
            MemoryPercent = memory,
            Memory = new MemoryMetrics
            {
                Percent = memory,
                Total = Bytes(values, "memory.total"),
                Used = Bytes(values, "memory.used"),
                Available = Bytes(values, "memory.available"),
            },
            DiskPercent = disk,
            Disk = new DiskMetrics
            {
                Percent = disk,
                Total = Bytes(values, DiskTotal),
                Used = Bytes(values, DiskUsed),
                Free = Bytes(values, DiskFree),
            },
            Network = checks,
            Series = series.Count > 0 ? series : null,
        };
    }

    private static bool HasDistinctTargets(IReadOnlyList<NetworkCheck> checks) =>
        checks.Select(MetricSeries.CheckTarget).Distinct(StringComparer.Ordinal).Count() == checks.Count;

    private static long? Bytes(IReadOnlyDictionary<string, double> values, string series) =>
        values.TryGetValue(series, out var value) ? (long)value : null;

    private static void Add(List<KeyValuePair<string, double>> values, string series, long? value)
    {
        if (value is { } v)
        {
            values.Add(new(series, v));
        }
    }
}
