using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Silo.History;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Storage;
using Orleans.Concurrency;

namespace Monitoring.Silo.Export;

/// <summary>
/// Exports the fleet from the store on whichever silo receives the call: one read of every agent's newest row and one of
/// the firing alerts, never a call to each agent's grain. Each agent's status comes from <see cref="LivenessClock.Status"/>,
/// the function the agent list uses.
/// </summary>
[StatelessWorker]
public sealed class FleetExportGrain(
    IHistoryStore store,
    AlertReader alerts,
    IOptions<LivenessOptions> liveness,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IFleetExportGrain
{
    private static readonly string[] Firing = ["firing"];

    private readonly FleetExposition _exposition = new();

    public async Task<byte[]> Prometheus()
    {
        var agents = await store.ReadFleetLatestAsync();
        var firing = await alerts.CurrentAsync(Firing);
        var now = time.GetUtcNow();
        var missed = liveness.Value.MissedIntervalsBeforeDown;
        var isUp = agents
            .Select(a => new LivenessClock(a.Agent.LastSeen, a.Agent.WatchedSince ?? DateTimeOffset.MinValue, a.Agent.IntervalSeconds, missed).Status(now) != "down")
            .ToList();
        return _exposition.Write(agents, isUp, firing);
    }
}
