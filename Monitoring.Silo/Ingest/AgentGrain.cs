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

    private string AgentId => AgentGrainKeys.ToAgentId(this.GetPrimaryKeyString());

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
        var now = time.GetUtcNow();
        var registryChanged = RegisterSighting(sample, now);
        using (MonitoringTelemetry.Source.StartActivity("history.append"))
        {
            // Ends when the batch carrying this sample has committed; the batch's own span links back to it.
            await writer.AppendAsync(new HistoryRecord(AgentId, now, sample, PublishDue(now, registryChanged) ? Registry(now, sample) : null));
        }

        Accept(sample, now);
        if (registryChanged)
        {
            await registration.WriteStateAsync();
        }
    }

    public async Task ReportBatch(IReadOnlyList<MetricsReport> samples)
    {
        using var activity = MonitoringTelemetry.Source.StartActivity("agent.report_batch");
        activity?.SetTag("monitoring.batch.size", samples.Count);
        var now = time.GetUtcNow();
        var registryChanged = false;
        var appends = new List<Task>(samples.Count);
        var newest = samples.MaxBy(s => s.Timestamp);
        foreach (var sample in samples)
        {
            registryChanged |= RegisterSighting(sample, now);
            var publish = ReferenceEquals(sample, newest) && PublishDue(now, registryChanged);
            appends.Add(writer.AppendAsync(new HistoryRecord(AgentId, now, sample, publish ? Registry(now, sample) : null)));
        }

        await Task.WhenAll(appends);
        foreach (var sample in samples)
        {
            Accept(sample, now);
        }

        if (registryChanged)
        {
            await registration.WriteStateAsync();
        }
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

    /// <summary>Updates the registration for a sample; true when it changed and must be persisted.</summary>
    private bool RegisterSighting(MetricsReport sample, DateTimeOffset now)
    {
        var name = string.IsNullOrWhiteSpace(sample.AgentName) ? AgentId : sample.AgentName;
        var state = registration.State;
        if (string.IsNullOrEmpty(state.AgentId))
        {
            state.AgentId = AgentId;
            state.AgentName = name;
            state.FirstSeen = now;
            state.LastSeen = now;
            return true;
        }

        if (state.AgentName == name)
        {
            return false;
        }

        state.AgentName = name;
        state.LastSeen = now;
        return true;
    }

    private bool PublishDue(DateTimeOffset now, bool registryChanged) =>
        registryChanged || now - _registryPublishedAt >= RegistryRefresh;

    private RegistryEntry Registry(DateTimeOffset now, MetricsReport sample)
    {
        _registryPublishedAt = now;
        var newest = _latest is null || sample.Timestamp >= _latest.Timestamp ? Headline(sample) : _latest;
        return new RegistryEntry(registration.State.AgentName, now, sample.IntervalSeconds ?? _intervalSeconds,
            newest.Timestamp, newest.CpuPercent, newest.MemoryPercent, newest.DiskPercent);
    }

    private void Accept(MetricsReport sample, DateTimeOffset now)
    {
        _lastSeen = now;
        if (_latest is null || sample.Timestamp >= _latest.Timestamp)
        {
            _latest = Headline(sample);
            _intervalSeconds = sample.IntervalSeconds ?? Liveness.DefaultIntervalSeconds;
        }
    }

    private LatestMetrics Headline(MetricsReport sample) => new()
    {
        AgentId = AgentId,
        AgentName = registration.State.AgentName,
        Timestamp = sample.Timestamp!.Value,
        CpuPercent = sample.System!.CpuPercent!.Value,
        MemoryPercent = sample.System.Memory!.Percent!.Value,
        DiskPercent = sample.System.Disk!.Percent!.Value,
        System = sample.System,
        Network = sample.Network ?? [],
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
