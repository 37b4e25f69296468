using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One agent's ingest bookkeeping, kept in its grain's memory: the newest sample, the collection interval, when the agent
/// was last seen and when its fleet-registry row is due again. A batch is prepared before it is appended and applied only
/// once it is durable, so a failed append leaves everything as it was and the client's retry is handled like the first.
/// </summary>
public sealed class AgentIngest(string agentId)
{
    /// <summary>The registry row is refreshed at most this often, unless the registration changed.</summary>
    public static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(5);

    private DateTimeOffset _registryPublishedAt = DateTimeOffset.MinValue;

    public LatestMetrics? Latest { get; private set; }

    public double IntervalSeconds { get; private set; } = AgentLiveness.DefaultIntervalSeconds;

    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Takes what the store held when the grain activated; <paramref name="lastSeen"/> is the latest time known anywhere.</summary>
    public void Restore(StoredAgent stored, string agentName, DateTimeOffset lastSeen)
    {
        IntervalSeconds = stored.IntervalSeconds;
        LastSeen = lastSeen;
        if (stored.Latest is { } sample)
        {
            Latest = new LatestMetrics
            {
                AgentId = agentId,
                AgentName = agentName,
                Timestamp = sample.Timestamp,
                CpuPercent = sample.CpuPercent,
                MemoryPercent = sample.MemoryPercent,
                DiskPercent = sample.DiskPercent,
                System = new SystemMetrics { CpuPercent = sample.CpuPercent, Memory = sample.Memory, Disk = sample.Disk },
                Network = sample.Network,
            };
        }
    }

    /// <summary>
    /// The history records of a batch, the newest carrying the registry row when it is due; <paramref name="registeredName"/>
    /// is null for an agent seen for the first time.
    /// </summary>
    public IngestBatch Prepare(IReadOnlyList<MetricsReport> samples, string? registeredName, DateTimeOffset now)
    {
        var newest = samples.Count == 1 ? samples[0] : samples.MaxBy(s => s.Timestamp)!;
        var name = string.IsNullOrWhiteSpace(newest.AgentName) ? agentId : newest.AgentName;
        var registrationChanged = registeredName != name;
        var registry = registrationChanged || now - _registryPublishedAt >= RegistryRefresh ? Registry(newest, name, now) : null;
        var records = samples.Select(s => new HistoryRecord(agentId, now, s, MetricSeries.Detail(s), ReferenceEquals(s, newest) ? registry : null)).ToList();
        return new IngestBatch(records, records.First(r => ReferenceEquals(r.Sample, newest)), name, registrationChanged);
    }

    /// <summary>Moves memory on once the batch is durable; true when its newest sample is the agent's newest, which alone says what is true now.</summary>
    public bool Apply(IngestBatch batch, DateTimeOffset now)
    {
        LastSeen = now;
        if (batch.Newest.Registry is not null)
        {
            _registryPublishedAt = now;
        }

        var sample = batch.Newest.Sample;
        var isNewest = Latest is null || sample.Timestamp >= Latest.Timestamp;
        if (!isNewest)
        {
            return false;
        }

        Latest = Headline(sample, batch.AgentName);
        IntervalSeconds = sample.IntervalSeconds ?? AgentLiveness.DefaultIntervalSeconds;
        return true;
    }

    /// <summary>The fleet-list row for the agent: the newest sample it has, whether this one or one already held.</summary>
    private RegistryEntry Registry(MetricsReport sample, string name, DateTimeOffset now)
    {
        var newest = Latest is null || sample.Timestamp >= Latest.Timestamp ? Headline(sample, name) : Latest;
        return new RegistryEntry(name, now, sample.IntervalSeconds ?? IntervalSeconds,
            newest.Timestamp, newest.CpuPercent, newest.MemoryPercent, newest.DiskPercent);
    }

    private LatestMetrics Headline(MetricsReport sample, string name) => new()
    {
        AgentId = agentId,
        AgentName = name,
        Timestamp = sample.Timestamp!.Value,
        CpuPercent = sample.System!.CpuPercent!.Value,
        MemoryPercent = sample.System.Memory!.Percent!.Value,
        DiskPercent = sample.System.Disk!.Percent!.Value,
        System = sample.System,
        Network = sample.Network ?? [],
        Agent = sample.Agent,
    };
}

/// <summary>A batch of samples ready to append: its records, the one of its newest sample, and the agent's name it carries.</summary>
public sealed record IngestBatch(IReadOnlyList<HistoryRecord> Records, HistoryRecord Newest, string AgentName, bool RegistrationChanged);
