using Monitoring.Contracts;

namespace Monitoring.Abstractions;

// The ingest path's wire records cross grain calls through Orleans' own binary codec via these surrogates: several times
// cheaper than the JSON codec on every sample. Other wire records (query answers, the optional detail records a
// seed-shaped sample leaves null) use the JSON codec.

[GenerateSerializer, Immutable, Alias("Monitoring.MetricsReport")]
public readonly record struct MetricsReportSurrogate(
    [property: Id(0)] string? AgentId,
    [property: Id(1)] string? AgentName,
    [property: Id(2)] DateTimeOffset? Timestamp,
    [property: Id(3)] double? IntervalSeconds,
    [property: Id(4)] SystemMetrics? System,
    [property: Id(5)] IReadOnlyList<NetworkCheck>? Network,
    [property: Id(6)] AgentHealth? Agent);

[RegisterConverter]
public sealed class MetricsReportConverter : IConverter<MetricsReport, MetricsReportSurrogate>
{
    public MetricsReport ConvertFromSurrogate(in MetricsReportSurrogate surrogate) => new()
    {
        AgentId = surrogate.AgentId,
        AgentName = surrogate.AgentName,
        Timestamp = surrogate.Timestamp,
        IntervalSeconds = surrogate.IntervalSeconds,
        System = surrogate.System,
        Network = surrogate.Network,
        Agent = surrogate.Agent,
    };

    public MetricsReportSurrogate ConvertToSurrogate(in MetricsReport value) =>
        new(value.AgentId, value.AgentName, value.Timestamp, value.IntervalSeconds, value.System, value.Network, value.Agent);
}

[GenerateSerializer, Immutable, Alias("Monitoring.SystemMetrics")]
public readonly record struct SystemMetricsSurrogate(
    [property: Id(0)] DateTimeOffset? Timestamp,
    [property: Id(1)] double? CpuPercent,
    [property: Id(2)] MemoryMetrics? Memory,
    [property: Id(3)] DiskMetrics? Disk,
    [property: Id(4)] CpuMetrics? Cpu,
    [property: Id(5)] LoadAverage? Load,
    [property: Id(6)] SwapMetrics? Swap,
    [property: Id(7)] IReadOnlyList<MountMetrics>? Disks,
    [property: Id(8)] IReadOnlyList<DiskIoMetrics>? DiskIo,
    [property: Id(9)] IReadOnlyList<InterfaceMetrics>? Interfaces,
    [property: Id(10)] double? UptimeSeconds,
    [property: Id(11)] DateTimeOffset? BootTime,
    [property: Id(12)] SensorMetrics? Sensors,
    [property: Id(13)] TopProcesses? Processes,
    [property: Id(14)] DiskHealth? DiskHealth,
    [property: Id(15)] IReadOnlyList<ServiceState>? Services);

[RegisterConverter]
public sealed class SystemMetricsConverter : IConverter<SystemMetrics, SystemMetricsSurrogate>
{
    public SystemMetrics ConvertFromSurrogate(in SystemMetricsSurrogate surrogate) => new()
    {
        Timestamp = surrogate.Timestamp,
        CpuPercent = surrogate.CpuPercent,
        Memory = surrogate.Memory,
        Disk = surrogate.Disk,
        Cpu = surrogate.Cpu,
        Load = surrogate.Load,
        Swap = surrogate.Swap,
        Disks = surrogate.Disks,
        DiskIo = surrogate.DiskIo,
        Interfaces = surrogate.Interfaces,
        UptimeSeconds = surrogate.UptimeSeconds,
        BootTime = surrogate.BootTime,
        Sensors = surrogate.Sensors,
        Processes = surrogate.Processes,
        DiskHealth = surrogate.DiskHealth,
        Services = surrogate.Services,
    };

    public SystemMetricsSurrogate ConvertToSurrogate(in SystemMetrics value) =>
        new(value.Timestamp, value.CpuPercent, value.Memory, value.Disk, value.Cpu, value.Load, value.Swap, value.Disks,
            value.DiskIo, value.Interfaces, value.UptimeSeconds, value.BootTime, value.Sensors, value.Processes, value.DiskHealth, value.Services);
}

[GenerateSerializer, Immutable, Alias("Monitoring.MemoryMetrics")]
public readonly record struct MemoryMetricsSurrogate(
    [property: Id(0)] long? Total,
    [property: Id(1)] long? Available,
    [property: Id(2)] long? Used,
    [property: Id(3)] double? Percent);

[RegisterConverter]
public sealed class MemoryMetricsConverter : IConverter<MemoryMetrics, MemoryMetricsSurrogate>
{
    public MemoryMetrics ConvertFromSurrogate(in MemoryMetricsSurrogate surrogate) => new()
    {
        Total = surrogate.Total,
        Available = surrogate.Available,
        Used = surrogate.Used,
        Percent = surrogate.Percent,
    };

    public MemoryMetricsSurrogate ConvertToSurrogate(in MemoryMetrics value) =>
        new(value.Total, value.Available, value.Used, value.Percent);
}

[GenerateSerializer, Immutable, Alias("Monitoring.DiskMetrics")]
public readonly record struct DiskMetricsSurrogate(
    [property: Id(0)] long? Total,
    [property: Id(1)] long? Used,
    [property: Id(2)] long? Free,
    [property: Id(3)] double? Percent);

[RegisterConverter]
public sealed class DiskMetricsConverter : IConverter<DiskMetrics, DiskMetricsSurrogate>
{
    public DiskMetrics ConvertFromSurrogate(in DiskMetricsSurrogate surrogate) => new()
    {
        Total = surrogate.Total,
        Used = surrogate.Used,
        Free = surrogate.Free,
        Percent = surrogate.Percent,
    };

    public DiskMetricsSurrogate ConvertToSurrogate(in DiskMetrics value) =>
        new(value.Total, value.Used, value.Free, value.Percent);
}

[GenerateSerializer, Immutable, Alias("Monitoring.NetworkCheck")]
public readonly record struct NetworkCheckSurrogate(
    [property: Id(0)] string? Host,
    [property: Id(1)] int? Port,
    [property: Id(2)] string? Url,
    [property: Id(3)] int? StatusCode,
    [property: Id(4)] string? Status,
    [property: Id(5)] double? LatencyMs,
    [property: Id(6)] string? Error,
    [property: Id(7)] string? Kind);

[RegisterConverter]
public sealed class NetworkCheckConverter : IConverter<NetworkCheck, NetworkCheckSurrogate>
{
    public NetworkCheck ConvertFromSurrogate(in NetworkCheckSurrogate surrogate) => new()
    {
        Host = surrogate.Host,
        Port = surrogate.Port,
        Url = surrogate.Url,
        StatusCode = surrogate.StatusCode,
        Status = surrogate.Status,
        LatencyMs = surrogate.LatencyMs,
        Error = surrogate.Error,
        Kind = surrogate.Kind,
    };

    public NetworkCheckSurrogate ConvertToSurrogate(in NetworkCheck value) =>
        new(value.Host, value.Port, value.Url, value.StatusCode, value.Status, value.LatencyMs, value.Error, value.Kind);
}
