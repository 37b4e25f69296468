using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// <c>GET /api/v1/agents</c>: a page of agents by <c>agent_id</c>; <c>next_cursor</c> (absent on the last page) asks for the next.
/// </summary>
public sealed record AgentList(
    [property: JsonPropertyName("agents")] IReadOnlyList<AgentSummary> Agents,
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

/// <summary>One agent as the fleet views show it; <c>status</c> is <c>up</c> or <c>down</c>.</summary>
public sealed record AgentSummary
{
    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public required string AgentName { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("first_seen")]
    public required DateTimeOffset FirstSeen { get; init; }

    [JsonPropertyName("last_seen")]
    public required DateTimeOffset LastSeen { get; init; }

    [JsonPropertyName("interval_seconds")]
    public required double IntervalSeconds { get; init; }

    [JsonPropertyName("last_sample_at")]
    public DateTimeOffset? LastSampleAt { get; init; }

    [JsonPropertyName("cpu_percent")]
    public double? CpuPercent { get; init; }

    [JsonPropertyName("memory_percent")]
    public double? MemoryPercent { get; init; }

    [JsonPropertyName("disk_percent")]
    public double? DiskPercent { get; init; }
}

/// <summary><c>GET /api/v1/metrics/{agent_id}/latest</c>: the seed's flat keys plus the whole sample.</summary>
public sealed record LatestMetrics
{
    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public required string AgentName { get; init; }

    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("cpu_percent")]
    public required double CpuPercent { get; init; }

    [JsonPropertyName("memory_percent")]
    public required double MemoryPercent { get; init; }

    [JsonPropertyName("disk_percent")]
    public required double DiskPercent { get; init; }

    [JsonPropertyName("system")]
    public required SystemMetrics System { get; init; }

    [JsonPropertyName("network")]
    public required IReadOnlyList<NetworkCheck> Network { get; init; }

    [JsonPropertyName("agent")]
    public AgentHealth? Agent { get; init; }
}

/// <summary><c>GET /api/v1/metrics/{agent_id}/history</c>: raw samples, or one bucket per step when downsampled.</summary>
public sealed record HistoryResponse
{
    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("from")]
    public required DateTimeOffset From { get; init; }

    [JsonPropertyName("to")]
    public required DateTimeOffset To { get; init; }

    /// <summary>Bucket width in seconds; absent for raw samples.</summary>
    [JsonPropertyName("step_seconds")]
    public double? StepSeconds { get; init; }

    /// <summary>True when the hard cap on returned points cut the answer short.</summary>
    [JsonPropertyName("truncated")]
    public bool Truncated { get; init; }

    [JsonPropertyName("samples")]
    public IReadOnlyList<HistorySample>? Samples { get; init; }

    [JsonPropertyName("buckets")]
    public IReadOnlyList<HistoryBucket>? Buckets { get; init; }
}

/// <summary>One stored sample as history returns it.</summary>
public sealed record HistorySample
{
    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("cpu_percent")]
    public required double CpuPercent { get; init; }

    [JsonPropertyName("memory_percent")]
    public required double MemoryPercent { get; init; }

    [JsonPropertyName("disk_percent")]
    public required double DiskPercent { get; init; }

    [JsonPropertyName("memory")]
    public required MemoryMetrics Memory { get; init; }

    [JsonPropertyName("disk")]
    public required DiskMetrics Disk { get; init; }

    [JsonPropertyName("network")]
    public required IReadOnlyList<NetworkCheck> Network { get; init; }

    /// <summary>Every value beyond the headline ones, by series name (<c>cpu.core[0]</c>, <c>disk[/home].percent</c>, <c>check[host:port].latency_ms</c>…).</summary>
    [JsonPropertyName("series")]
    public IReadOnlyDictionary<string, double>? Series { get; init; }
}

/// <summary>Aggregates of the samples whose timestamps fall in <c>[start, start + step)</c>.</summary>
public sealed record HistoryBucket
{
    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("count")]
    public required int Count { get; init; }

    [JsonPropertyName("cpu_percent")]
    public required Aggregate CpuPercent { get; init; }

    [JsonPropertyName("memory_percent")]
    public required Aggregate MemoryPercent { get; init; }

    [JsonPropertyName("disk_percent")]
    public required Aggregate DiskPercent { get; init; }

    /// <summary>Aggregates of every other series present in the bucket, by series name.</summary>
    [JsonPropertyName("series")]
    public IReadOnlyDictionary<string, Aggregate>? Series { get; init; }
}

public sealed record Aggregate(
    [property: JsonPropertyName("avg")] double Avg,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max);

/// <summary><c>GET /api/v1/metrics/{agent_id}?hours=N</c>: the seed's own history shape, oldest first.</summary>
public sealed record SeedHistoryResponse(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("time_range_hours")] double TimeRangeHours,
    [property: JsonPropertyName("metrics")] IReadOnlyList<SeedHistoryPoint> Metrics);

public sealed record SeedHistoryPoint(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("cpu_percent")] double CpuPercent,
    [property: JsonPropertyName("memory_percent")] double MemoryPercent,
    [property: JsonPropertyName("disk_percent")] double DiskPercent);

/// <summary>
/// One event of <c>GET /api/v1/live</c>: a sample the API has just acknowledged, with its headline values and, for a
/// subscription to one agent, every numeric value under its series name (as history's <c>series</c> names them).
/// </summary>
public sealed record LiveSample
{
    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public required string AgentName { get; init; }

    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("interval_seconds")]
    public double? IntervalSeconds { get; init; }

    [JsonPropertyName("cpu_percent")]
    public double? CpuPercent { get; init; }

    [JsonPropertyName("memory_percent")]
    public double? MemoryPercent { get; init; }

    [JsonPropertyName("disk_percent")]
    public double? DiskPercent { get; init; }

    [JsonPropertyName("series")]
    public IReadOnlyDictionary<string, double>? Series { get; init; }

    [JsonPropertyName("network")]
    public IReadOnlyList<NetworkCheck>? Network { get; init; }

    [JsonPropertyName("agent")]
    public AgentHealth? Agent { get; init; }

    /// <summary>The sample's top processes, for a subscription to one agent.</summary>
    [JsonPropertyName("processes")]
    public TopProcesses? Processes { get; init; }
}

/// <summary>Whether the API is open (no access token configured): the dashboard then warns that anyone can change alerting.</summary>
public sealed record AccessState
{
    [JsonPropertyName("open")]
    public required bool Open { get; init; }
}
