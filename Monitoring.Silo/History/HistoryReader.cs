using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.History;

/// <summary>
/// History and fleet-list queries through the store, with each listed agent's status computed now by the same function
/// as the agent's own view (<see cref="LivenessClock.Status"/>), from the same stored facts.
/// </summary>
public sealed class HistoryReader(IHistoryStore store, IOptions<LivenessOptions> liveness, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time)
{
    public Task<HistoryResponse?> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
        store.QueryAsync(query, cancellationToken);

    public async Task<AgentList> ListAgentsAsync(CancellationToken cancellationToken = default)
    {
        var registered = await store.ListAgentsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var missed = liveness.Value.MissedIntervalsBeforeDown;
        return new AgentList([.. registered.Select(agent => new AgentSummary
        {
            AgentId = agent.AgentId,
            AgentName = agent.AgentName,
            FirstSeen = agent.FirstSeen,
            LastSeen = agent.LastSeen,
            IntervalSeconds = agent.IntervalSeconds,
            Status = new LivenessClock(agent.LastSeen, agent.WatchedSince ?? DateTimeOffset.MinValue, agent.IntervalSeconds, missed).Status(now),
            LastSampleAt = agent.LatestTimestamp,
            CpuPercent = agent.CpuPercent,
            MemoryPercent = agent.MemoryPercent,
            DiskPercent = agent.DiskPercent,
        })]);
    }
}
