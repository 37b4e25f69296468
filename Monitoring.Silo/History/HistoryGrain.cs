using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Monitoring.Silo.History;

/// <summary>Serves history and fleet-list queries from the store on whichever silo receives them.</summary>
[StatelessWorker]
public sealed class HistoryGrain(HistoryReader reader, IHistoryStore store, IOptions<RetentionOptions> retention) : Grain, IHistoryGrain
{
    public Task<HistoryResponse?> Query(HistoryQuery query) => reader.QueryAsync(query);

    public async Task<byte[]?> QueryJson(HistoryQuery query) =>
        await reader.QueryAsync(query) is { } answer ? HistoryJson.Serialize(answer) : null;

    public Task<AgentList> ListAgents(string? after, int limit) => reader.ListAgentsAsync(after, limit);

    public Task<StorageStats> GetStorage() => store.GetStatsAsync();

    public Task<TimeSpan> GetRawRetention() => Task.FromResult(retention.Value.History);
}
