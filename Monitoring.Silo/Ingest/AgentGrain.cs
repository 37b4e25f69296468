using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.History;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One monitored agent. Holds its newest sample in memory and appends every sample to history through the silo's
/// batching writer; its registration is persisted only when it changes, and its fleet-registry row refreshed at most
/// every <see cref="RegistryRefresh"/>.
/// </summary>
public sealed class AgentGrain(
    [PersistentState("agent", StorageNames.Monitoring)] IPersistentState<AgentRegistration> registration,
    HistoryWriter writer,
    HistoryReader reader,
    TimeProvider time) : Grain, IAgentGrain
{
    private static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(5);

    private LatestMetrics? _latest;
    private double _intervalSeconds = Liveness.DefaultIntervalSeconds;
    private DateTimeOffset _lastSeen;
    private DateTimeOffset _registryPublishedAt = DateTimeOffset.MinValue;

    private string? _agentId;

    private string AgentId => _agentId ??= AgentGrainKeys.ToAgentId(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await reader.ReadAgentAsync(AgentId, cancellationToken);
        if (stored is null)
        {
            return;
        }

        _intervalSeconds = stored.IntervalSeconds;
        _lastSeen = Max(stored.LastSeen, registration.State.LastSeen);
        if (stored.Latest is { } sample)
        {
            _latest = new LatestMetrics
            {
                AgentId = AgentId,
                AgentName = registration.RecordExists ? registration.State.AgentName : stored.AgentName,
                Timestamp = sample.Timestamp,
                CpuPercent = sample.CpuPercent,
                MemoryPercent = sample.MemoryPercent,
                DiskPercent = sample.DiskPercent,
                System = new SystemMetrics { CpuPercent = sample.CpuPercent, Memory = sample.Memory, Disk = sample.Disk },
                Network = sample.Network,
            };
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (registration.RecordExists && registration.State.LastSeen != _lastSeen)
        {
            registration.State.LastSeen = _lastSeen;
            await registration.WriteStateAsync(cancellationToken);
        }
    }

    public async Task Report(MetricsReport sample)
    {
        using var activity = MonitoringTelemetry.Source.StartActivity("agent.report");
        await AcceptAsync([sample]);
    }

    public async Task ReportBatch(IReadOnlyList<MetricsReport> samples)
    {
        using var activity = MonitoringTelemetry.Source.StartActivity("agent.report_batch");
        activity?.SetTag("monitoring.batch.size", samples.Count);
        await AcceptAsync(samples);
    }

    public Task<LatestMetrics?> GetLatest() => Task.FromResult(_latest);

    public Task<AgentSummary?> GetSummary()
    {
        if (!registration.RecordExists)
        {
            return Task.FromResult<AgentSummary?>(null);
        }

        var state = registration.State;
        return Task.FromResult<AgentSummary?>(new AgentSummary
        {
            AgentId = AgentId,
            AgentName = state.AgentName,
            Status = Liveness.Status(time.GetUtcNow(), _lastSeen, _intervalSeconds),
            FirstSeen = state.FirstSeen,
            LastSeen = _lastSeen,
            IntervalSeconds = _intervalSeconds,
            LastSampleAt = _latest?.Timestamp,
            CpuPercent = _latest?.CpuPercent,
            MemoryPercent = _latest?.MemoryPercent,
            DiskPercent = _latest?.DiskPercent,
        });
    }

    /// <summary>
    /// Appends the samples to history and, only once they are durable, moves the grain's memory and registration on:
    /// a failed append leaves the grain as it was, so the client's retry is handled like the first attempt.
    /// </summary>
    private async Task AcceptAsync(IReadOnlyList<MetricsReport> samples)
    {
        var now = time.GetUtcNow();
        var newest = samples.Count == 1 ? samples[0] : samples.MaxBy(s => s.Timestamp)!;
        var name = string.IsNullOrWhiteSpace(newest.AgentName) ? AgentId : newest.AgentName;
        var state = registration.State;
        var firstSight = string.IsNullOrEmpty(state.AgentId);
        var registrationChanged = firstSight || state.AgentName != name;
        var registry = registrationChanged || now - _registryPublishedAt >= RegistryRefresh ? Registry(newest, name, now) : null;

        using (MonitoringTelemetry.Source.StartActivity("history.append"))
        {
            // Ends when the batch carrying these samples has committed; the batch's own span links back to it.
            await (samples.Count == 1
                ? writer.AppendAsync(new HistoryRecord(AgentId, now, newest, registry))
                : Task.WhenAll(samples.Select(s => writer.AppendAsync(new HistoryRecord(AgentId, now, s, ReferenceEquals(s, newest) ? registry : null)))));
        }

        _lastSeen = now;
        if (registry is not null)
        {
            _registryPublishedAt = now;
        }

        if (_latest is null || newest.Timestamp >= _latest.Timestamp)
        {
            _latest = Headline(newest, name);
            _intervalSeconds = newest.IntervalSeconds ?? Liveness.DefaultIntervalSeconds;
        }

        if (registrationChanged)
        {
            if (firstSight)
            {
                state.AgentId = AgentId;
                state.FirstSeen = now;
            }

            state.AgentName = name;
            state.LastSeen = now;
            await registration.WriteStateAsync();
        }
    }

    /// <summary>The fleet-list row for the agent: the newest sample it has, whether this one or one already held.</summary>
    private RegistryEntry Registry(MetricsReport sample, string name, DateTimeOffset now)
    {
        var newest = _latest is null || sample.Timestamp >= _latest.Timestamp ? Headline(sample, name) : _latest;
        return new RegistryEntry(name, now, sample.IntervalSeconds ?? _intervalSeconds,
            newest.Timestamp, newest.CpuPercent, newest.MemoryPercent, newest.DiskPercent);
    }

    private LatestMetrics Headline(MetricsReport sample, string name) => new()
    {
        AgentId = AgentId,
        AgentName = name,
        Timestamp = sample.Timestamp!.Value,
        CpuPercent = sample.System!.CpuPercent!.Value,
        MemoryPercent = sample.System.Memory!.Percent!.Value,
        DiskPercent = sample.System.Disk!.Percent!.Value,
        System = sample.System,
        Network = sample.Network ?? [],
        Agent = sample.Agent,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
