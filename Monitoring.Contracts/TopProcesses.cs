using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>The processes using the most CPU and the most memory in the interval before a sample; shown, not kept as series.</summary>
public sealed record TopProcesses
{
    /// <summary>Processes running when the sample was taken.</summary>
    [JsonPropertyName("total")]
    public int? Total { get; init; }

    /// <summary>Busiest first.</summary>
    [JsonPropertyName("by_cpu")]
    public IReadOnlyList<ProcessMetrics>? ByCpu { get; init; }

    /// <summary>Largest resident set first.</summary>
    [JsonPropertyName("by_memory")]
    public IReadOnlyList<ProcessMetrics>? ByMemory { get; init; }
}

public sealed record ProcessMetrics
{
    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    /// <summary>The kernel's command name (<c>comm</c>), without arguments.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Percent of one CPU since the previous sample, as top shows it: a process busy on two CPUs is at 200.</summary>
    [JsonPropertyName("cpu_percent")]
    public double? CpuPercent { get; init; }

    [JsonPropertyName("rss_bytes")]
    public long? RssBytes { get; init; }
}
