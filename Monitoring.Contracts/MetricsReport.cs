using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>The body of <c>POST /api/v1/metrics</c>: one sample of one agent, in the seed's snake_case shape.</summary>
public sealed record MetricsReport
{
    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public string? AgentName { get; init; }

    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The agent's collection interval in seconds; liveness counts an agent down after three missed intervals.</summary>
    [JsonPropertyName("interval_seconds")]
    public double? IntervalSeconds { get; init; }

    [JsonPropertyName("system")]
    public SystemMetrics? System { get; init; }

    [JsonPropertyName("network")]
    public IReadOnlyList<NetworkCheck>? Network { get; init; }
}

public sealed record SystemMetrics
{
    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; init; }

    [JsonPropertyName("cpu_percent")]
    public double? CpuPercent { get; init; }

    [JsonPropertyName("memory")]
    public MemoryMetrics? Memory { get; init; }

    [JsonPropertyName("disk")]
    public DiskMetrics? Disk { get; init; }
}

public sealed record MemoryMetrics
{
    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("available")]
    public long? Available { get; init; }

    [JsonPropertyName("used")]
    public long? Used { get; init; }

    [JsonPropertyName("percent")]
    public double? Percent { get; init; }
}

public sealed record DiskMetrics
{
    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("used")]
    public long? Used { get; init; }

    [JsonPropertyName("free")]
    public long? Free { get; init; }

    [JsonPropertyName("percent")]
    public double? Percent { get; init; }
}

/// <summary>One network check result: a host check (<c>host</c>, <c>port</c>) or a URL check (<c>url</c>, <c>status_code</c>).</summary>
public sealed record NetworkCheck
{
    [JsonPropertyName("host")]
    public string? Host { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("status_code")]
    public int? StatusCode { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("latency_ms")]
    public double? LatencyMs { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>How the target was checked: <c>icmp</c>, <c>tcp</c> or <c>http</c>; absent from agents that predate it.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }
}

/// <summary>The seed's success answer to an ingest request; <c>accepted</c> counts the samples of a batch.</summary>
public sealed record IngestAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp)
{
    [JsonPropertyName("accepted")]
    public int? Accepted { get; init; }
}
