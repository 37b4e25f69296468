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

    /// <summary>Up to <paramref name="limit"/> agents after <paramref name="after"/> by id, with a cursor when more follow.</summary>
    public async Task<AgentList> ListAgentsAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        // One row beyond the page says whether another page follows.
        var rows = await store.ListAgentsAsync(after, limit + 1, cancellationToken);
        var registered = rows.Count > limit ? rows.Take(limit).ToList() : rows;
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
        })], rows.Count > limit ? AgentCursor.Encode(registered[^1].AgentId) : null);
    }
}
