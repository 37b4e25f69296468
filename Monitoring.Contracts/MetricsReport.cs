using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>The body of <c>POST /api/v1/metrics</c>: one sample of one agent, in the seed's snake_case shape.</summary>
public sealed record MetricsReport
{
    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public string? AgentName { get; init; }

    [JsonPropertyName("timestamp"), JsonConverter(typeof(TimeWithOffsetConverter))]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The agent's collection interval in seconds; liveness counts an agent down after three missed intervals.</summary>
    [JsonPropertyName("interval_seconds")]
    public double? IntervalSeconds { get; init; }

    [JsonPropertyName("system")]
    public SystemMetrics? System { get; init; }

    [JsonPropertyName("network")]
    public IReadOnlyList<NetworkCheck>? Network { get; init; }

    /// <summary>The agent's own health and identity; absent from the seed's agents.</summary>
    [JsonPropertyName("agent")]
    public AgentHealth? Agent { get; init; }
}

public sealed record SystemMetrics
{
    [JsonPropertyName("timestamp"), JsonConverter(typeof(TimeWithOffsetConverter))]
    public DateTimeOffset? Timestamp { get; init; }

    [JsonPropertyName("cpu_percent")]
    public double? CpuPercent { get; init; }

    [JsonPropertyName("memory")]
    public MemoryMetrics? Memory { get; init; }

    /// <summary>The root mount, in the seed's shape; every real mount is in <see cref="Disks"/>.</summary>
    [JsonPropertyName("disk")]
    public DiskMetrics? Disk { get; init; }

    [JsonPropertyName("cpu")]
    public CpuMetrics? Cpu { get; init; }

    [JsonPropertyName("load")]
    public LoadAverage? Load { get; init; }

    [JsonPropertyName("swap")]
    public SwapMetrics? Swap { get; init; }

    [JsonPropertyName("disks")]
    public IReadOnlyList<MountMetrics>? Disks { get; init; }

    [JsonPropertyName("disk_io")]
    public IReadOnlyList<DiskIoMetrics>? DiskIo { get; init; }

    [JsonPropertyName("interfaces")]
    public IReadOnlyList<InterfaceMetrics>? Interfaces { get; init; }

    [JsonPropertyName("uptime_seconds")]
    public double? UptimeSeconds { get; init; }

    [JsonPropertyName("boot_time")]
    public DateTimeOffset? BootTime { get; init; }

    [JsonPropertyName("sensors")]
    public SensorMetrics? Sensors { get; init; }

    [JsonPropertyName("processes")]
    public TopProcesses? Processes { get; init; }

    /// <summary>S.M.A.R.T. of the disks and the state of the software RAID arrays.</summary>
    [JsonPropertyName("disk_health")]
    public DiskHealth? DiskHealth { get; init; }

    /// <summary>The systemd units that failed or that the agent was told to watch (<c>SERVICES</c>).</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<ServiceState>? Services { get; init; }
}

/// <summary>CPU detail beyond the seed's <c>cpu_percent</c>: every value a percent of the interval between two collections.</summary>
public sealed record CpuMetrics
{
    [JsonPropertyName("count")]
    public int? Count { get; init; }

    [JsonPropertyName("per_core")]
    public IReadOnlyList<double>? PerCore { get; init; }

    [JsonPropertyName("user")]
    public double? User { get; init; }

    [JsonPropertyName("system")]
    public double? System { get; init; }

    [JsonPropertyName("iowait")]
    public double? Iowait { get; init; }

    [JsonPropertyName("steal")]
    public double? Steal { get; init; }
}

public sealed record LoadAverage
{
    [JsonPropertyName("load1")]
    public double? Load1 { get; init; }

    [JsonPropertyName("load5")]
    public double? Load5 { get; init; }

    [JsonPropertyName("load15")]
    public double? Load15 { get; init; }
}

public sealed record SwapMetrics
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

/// <summary>One mounted real file system.</summary>
public sealed record MountMetrics
{
    [JsonPropertyName("mount")]
    public string? Mount { get; init; }

    [JsonPropertyName("device")]
    public string? Device { get; init; }

    [JsonPropertyName("fs_type")]
    public string? FsType { get; init; }

    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("used")]
    public long? Used { get; init; }

    [JsonPropertyName("free")]
    public long? Free { get; init; }

    [JsonPropertyName("percent")]
    public double? Percent { get; init; }

    [JsonPropertyName("inodes_percent")]
    public double? InodesPercent { get; init; }
}

/// <summary>Throughput of one block device, from counter deltas between two collections.</summary>
public sealed record DiskIoMetrics
{
    [JsonPropertyName("device")]
    public string? Device { get; init; }

    [JsonPropertyName("read_bytes_per_sec")]
    public double? ReadBytesPerSec { get; init; }

    [JsonPropertyName("write_bytes_per_sec")]
    public double? WriteBytesPerSec { get; init; }
}

/// <summary>Rates of one network interface (loopback excluded), from counter deltas between two collections.</summary>
public sealed record InterfaceMetrics
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("rx_bytes_per_sec")]
    public double? RxBytesPerSec { get; init; }

    [JsonPropertyName("tx_bytes_per_sec")]
    public double? TxBytesPerSec { get; init; }

    [JsonPropertyName("rx_packets_per_sec")]
    public double? RxPacketsPerSec { get; init; }

    [JsonPropertyName("tx_packets_per_sec")]
    public double? TxPacketsPerSec { get; init; }

    [JsonPropertyName("rx_errors_per_sec")]
    public double? RxErrorsPerSec { get; init; }

    [JsonPropertyName("tx_errors_per_sec")]
    public double? TxErrorsPerSec { get; init; }

    [JsonPropertyName("rx_drops_per_sec")]
    public double? RxDropsPerSec { get; init; }

    [JsonPropertyName("tx_drops_per_sec")]
    public double? TxDropsPerSec { get; init; }
}

/// <summary>What the agent says about itself in every sample: identity, spool health, losses and clock.</summary>
public sealed record AgentHealth
{
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("os")]
    public string? Os { get; init; }

    /// <summary>Samples in the spool not yet acknowledged by the server.</summary>
    [JsonPropertyName("spool_depth")]
    public long? SpoolDepth { get; init; }

    [JsonPropertyName("spool_bytes")]
    public long? SpoolBytes { get; init; }

    /// <summary>Unacknowledged samples kept in memory only, because the spool's directory refuses writes.</summary>
    [JsonPropertyName("spool_memory_samples")]
    public long? SpoolMemorySamples { get; init; }

    /// <summary>Why the spool's directory refuses writes (gone, full, read-only); absent while it works.</summary>
    [JsonPropertyName("spool_error")]
    public string? SpoolError { get; init; }

    /// <summary>Age of the oldest unacknowledged sample, in seconds.</summary>
    [JsonPropertyName("oldest_unsent_seconds")]
    public double? OldestUnsentSeconds { get; init; }

    /// <summary>Samples dropped since the agent started because the spool was full or too old.</summary>
    [JsonPropertyName("dropped_total")]
    public long? DroppedTotal { get; init; }

    /// <summary>Drops the server has not been told about yet, with the time range of the lost samples.</summary>
    [JsonPropertyName("dropped")]
    public DroppedSamples? Dropped { get; init; }

    /// <summary>Samples the server refused for good (a 4xx other than 408/429), moved aside on the agent.</summary>
    [JsonPropertyName("rejected_total")]
    public long? RejectedTotal { get; init; }

    /// <summary>Server clock minus agent clock, estimated from the server's <c>Date</c> header, in milliseconds.</summary>
    [JsonPropertyName("clock_offset_ms")]
    public double? ClockOffsetMs { get; init; }
}

public sealed record DroppedSamples
{
    [JsonPropertyName("count")]
    public long Count { get; init; }

    [JsonPropertyName("from")]
    public DateTimeOffset? From { get; init; }

    [JsonPropertyName("to")]
    public DateTimeOffset? To { get; init; }
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
