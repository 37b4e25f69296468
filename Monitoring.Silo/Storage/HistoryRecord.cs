using Monitoring.Contracts;

namespace Monitoring.Silo.Storage;

/// <summary>
/// One sample to append, with its detail series (<see cref="Monitoring.Abstractions.MetricSeries.Detail"/>, flattened once
/// by the grain, which evaluates alerts on them too) and the agent's fleet-registry row when it is time to refresh it.
/// </summary>
public sealed record HistoryRecord(
    string AgentId,
    DateTimeOffset ReceivedAt,
    MetricsReport Sample,
    IReadOnlyList<KeyValuePair<string, double>> Detail,
    RegistryEntry? Registry);

/// <summary>What the agent list shows for one agent; published by its grain at most every few seconds.</summary>
public sealed record RegistryEntry(
    string AgentName,
    DateTimeOffset LastSeen,
    double IntervalSeconds,
    DateTimeOffset LatestTimestamp,
    double CpuPercent,
    double MemoryPercent,
    double DiskPercent);
