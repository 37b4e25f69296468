using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The storage seam of history, the fleet registry and retention: every statement about samples, agents and what is past
/// retention lives in one implementation of this interface per backend, so grains, readers and sweepers never see SQL.
/// Grains await <see cref="ReadAgentAsync"/>, <see cref="UpdateAgentAsync"/>, <see cref="QueryAsync"/>,
/// <see cref="ListAgentsAsync"/>, <see cref="CountAgentsAsync"/>, <see cref="DeleteAgentAsync"/> and <see cref="GetStatsAsync"/>:
/// a backend whose driver blocks runs them off the caller's thread.
/// </summary>
public interface IHistoryStore
{
    /// <summary>The silo's one appender: a connection and its prepared statements, held by the history writer for its whole life.</summary>
    IHistoryAppender OpenAppender();

    /// <summary>The registry row and the newest stored sample of an agent, or null for an agent never stored.</summary>
    Task<StoredAgent?> ReadAgentAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Raw samples or buckets of one agent, bounded by the query's cap, or null for an agent never stored.</summary>
    Task<HistoryResponse?> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> registry rows by agent id, those after <paramref name="after"/> (null: from the first).</summary>
    Task<IReadOnlyList<RegisteredAgent>> ListAgentsAsync(string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many agents are registered.</summary>
    Task<long> CountAgentsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an agent's registry row, its samples in every tier (head, blocks, rollups, a previous release's rows) and its
    /// active alerts, in one transaction; false when no agent has that id. A later sample registers the id anew.
    /// </summary>
    Task<bool> DeleteAgentAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every agent's registry row with every value of its newest sample not yet compacted, by agent id, in one read (one
    /// index seek per agent); an agent whose newest sample is compacted already (silent for longer than the compaction
    /// delay) carries its registry row's headline values only.
    /// </summary>
    Task<IReadOnlyList<AgentLatest>> ReadFleetLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a registered agent's row on outside a sample's append: when its grain began watching it, its last-seen time
    /// when the grain deactivates, or what the previous release kept in grain state. Last seen only ever moves forward.
    /// </summary>
    Task UpdateAgentAsync(string agentId, AgentUpdate update, CancellationToken cancellationToken = default);

    /// <summary>The ids of the agents last seen at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<string>> AgentsSeenSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Deletes the samples dated before <paramref name="cutoff"/> in short transactions; returns how many went.</summary>
    Task<long> DeleteSamplesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Deletes a rollup tier's days (tier = bucket width in microseconds) that end before <paramref name="cutoff"/>.</summary>
    Task<long> DeleteRollupsBeforeAsync(long tier, DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compacts up to <paramref name="maxHours"/> agent-hours of new samples that end before <paramref name="before"/> and
    /// received nothing after it; returns how many.
    /// </summary>
    Task<int> CompactAsync(DateTimeOffset before, int maxHours, CancellationToken cancellationToken = default);

    /// <summary>Converts up to <paramref name="maxRows"/> samples stored by a previous release; returns how many (0 once none are left).</summary>
    Task<int> UpgradeAsync(int maxRows, CancellationToken cancellationToken = default);

    /// <summary>What is stored, per tier, and the bytes it takes.</summary>
    Task<StorageStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the store's write lock and lets it go, waiting at most <paramref name="timeout"/> for it: throws when the store
    /// cannot be written now (locked beyond the timeout, read-only, gone). Its free disk space is <see cref="FreeDiskBytes"/>.
    /// </summary>
    Task ProbeWriteAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>The bytes an unprivileged writer may still use on the store's file system, or null when it has no file.</summary>
    long? FreeDiskBytes();

    /// <summary>
    /// Deletes alert transitions, notification attempts, resolved alerts and deliveries that gave up, dated before
    /// <paramref name="cutoff"/>; a delivery still pending is never deleted. Returns how many rows went.
    /// </summary>
    Task<long> DeleteAlertRecordsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}

/// <summary>Writes batches of samples, each batch in one transaction (group commit); used by one writer at a time.</summary>
public interface IHistoryAppender : IDisposable
{
    /// <summary>Stores the batch atomically and returns how many samples were new; throws when nothing was committed.</summary>
    int Commit(IReadOnlyList<HistoryRecord> batch);
}

/// <summary>An agent's registry row and its newest values by series name (<see cref="MetricSeries"/>).</summary>
public sealed record AgentLatest(RegisteredAgent Agent, IReadOnlyList<KeyValuePair<string, double>> Values);

/// <summary>What the store knows of an agent when its grain activates.</summary>
public sealed record StoredAgent(
    string AgentName, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, double IntervalSeconds, DateTimeOffset? WatchedSince, HistorySample? Latest);

/// <summary>The fields of an agent's row to move on; null leaves a field as it is.</summary>
public sealed record AgentUpdate(string? AgentName = null, DateTimeOffset? LastSeen = null, DateTimeOffset? WatchedSince = null);

/// <summary>One agent's fleet-registry row, as its grain last published it.</summary>
public sealed record RegisteredAgent(
    string AgentId,
    string AgentName,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    double IntervalSeconds,
    DateTimeOffset? LatestTimestamp,
    double? CpuPercent,
    double? MemoryPercent,
    double? DiskPercent,
    DateTimeOffset? WatchedSince);
