using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One agent's ingest bookkeeping, kept in its grain's memory: its registration (as its <c>agents</c> row holds it), the
/// newest sample, the collection interval, when the agent was last seen and when its registry row is due again. A batch is
/// prepared before it is appended and applied only once it is durable, so a failed append leaves everything as it was and
/// the client's retry is handled like the first.
/// </summary>
public sealed class AgentIngest(string agentId)
{
    /// <summary>The registry row is refreshed at most this often, unless the registration changed.</summary>
    private static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(5);

    private DateTimeOffset _registryPublishedAt = DateTimeOffset.MinValue;

    /// <summary>The registered name; null until the agent's first sample is durable.</summary>
    public string? AgentName { get; private set; }

    public bool IsRegistered => AgentName is not null;

    public DateTimeOffset FirstSeen { get; private set; }

    /// <summary>When the agent's grain began watching it: liveness counts from here when that is later than its last sample.</summary>
    public DateTimeOffset WatchedSince { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The last-seen time the registry row holds; the grain writes a later one when it deactivates.</summary>
    public DateTimeOffset PublishedLastSeen { get; private set; }

    public LatestMetrics? Latest { get; private set; }

    public double IntervalSeconds { get; private set; } = AgentLiveness.DefaultIntervalSeconds;

    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Takes the registry row the grain found, as it left it after activation.</summary>
    public void Restore(StoredAgent stored)
    {
        AgentName = stored.AgentName;
        FirstSeen = stored.FirstSeen;
        WatchedSince = stored.WatchedSince ?? DateTimeOffset.MinValue;
        IntervalSeconds = stored.IntervalSeconds;
        LastSeen = PublishedLastSeen = stored.LastSeen;
        if (stored.Latest is { } sample)
        {
            Latest = new LatestMetrics
            {
                AgentId = agentId,
                AgentName = stored.AgentName,
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
    /// The history records of a batch, the newest carrying the registry row when it is due: at first sight and on a new
    /// name (the row is the registration, written with the sample), else at most every <see cref="RegistryRefresh"/>.
    /// </summary>
    public IngestBatch Prepare(IReadOnlyList<MetricsReport> samples, DateTimeOffset now)
    {
        var newest = samples.Count == 1 ? samples[0] : samples.MaxBy(s => s.Timestamp)!;
        var name = string.IsNullOrWhiteSpace(newest.AgentName) ? agentId : newest.AgentName;
        var registrationChanged = AgentName != name;
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
            _registryPublishedAt = PublishedLastSeen = now;
        }

        if (batch.RegistrationChanged)
        {
            FirstSeen = IsRegistered ? FirstSeen : now;
            AgentName = batch.AgentName;
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
