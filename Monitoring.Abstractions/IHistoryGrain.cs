using Monitoring.Contracts;

namespace Monitoring.Abstractions;

/// <summary>Reads of the history store; a stateless worker on every silo.</summary>
[Alias("Monitoring.IHistoryGrain")]
public interface IHistoryGrain : IGrainWithIntegerKey
{
    /// <summary>Raw samples or buckets of one agent, or null when the agent was never seen.</summary>
    [Alias("Query")]
    Task<HistoryResponse?> Query(HistoryQuery query);

    /// <summary>The answer of <see cref="Query"/> as the UTF-8 JSON the API sends (<see cref="HistoryJson"/>), or null for an unknown agent.</summary>
    [Alias("QueryJson")]
    Task<byte[]?> QueryJson(HistoryQuery query);

    /// <summary>
    /// Up to <paramref name="limit"/> agents by id after <paramref name="after"/> (null: from the first), with the headline
    /// values the agent grains last published, and an <see cref="AgentCursor"/> when more follow.
    /// </summary>
    [Alias("ListAgents")]
    Task<AgentList> ListAgents(string? after, int limit);

    /// <summary>What history holds, per tier, and the bytes it takes.</summary>
    [Alias("GetStorage")]
    Task<StorageStats> GetStorage();

    /// <summary>How long raw samples are kept (the silo's <c>Retention:History</c>); zero when they are kept forever.</summary>
    [Alias("GetRawRetention")]
    Task<TimeSpan> GetRawRetention();
}

/// <summary>
/// A history request; <see cref="StepSeconds"/> asks for buckets, null for raw samples. <see cref="Series"/> holds globs
/// of the series to return besides the headline values (null: all, empty: none). With <see cref="AlignToTiers"/> the
/// store may move <see cref="From"/> back and widen the step to a rollup tier's grid (the answer says which it used).
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitoring.HistoryQuery")]
public sealed record HistoryQuery(
    [property: Id(0)] string AgentId,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] double? StepSeconds,
    [property: Id(4)] int MaxPoints,
    [property: Id(5)] IReadOnlyList<string>? Series = null,
    [property: Id(6)] bool AlignToTiers = false);
