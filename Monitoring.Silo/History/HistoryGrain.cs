using Monitoring.Abstractions;
using Monitoring.Contracts;
using Orleans.Concurrency;

namespace Monitoring.Silo.History;

/// <summary>Serves history and fleet-list queries from the store on whichever silo receives them.</summary>
[StatelessWorker]
public sealed class HistoryGrain(HistoryReader reader) : Grain, IHistoryGrain
{
    public Task<HistoryResponse?> Query(HistoryQuery query) => reader.QueryAsync(query);

    public Task<AgentList> ListAgents() => reader.ListAgentsAsync();
}
