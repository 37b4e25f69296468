using Monitoring.Contracts;
using Orleans.Concurrency;

namespace Monitoring.Abstractions;

/// <summary>One monitored agent: its latest sample, registration and liveness. Reach it through <see cref="AgentGrainKeys"/>.</summary>
[Alias("Monitoring.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts one validated sample; completes only once it is durable in history. Throws
    /// <see cref="AgentQuotaExceededException"/>, storing nothing, when the agent is new and the cluster holds its maximum.
    /// </summary>
    [Alias("Report"), ResponseTimeout(ClusterDefaults.IngestCallTimeout)]
    Task Report(MetricsReport sample);

    /// <summary>Accepts validated samples of this agent (a backfill); completes only once all are durable. Refused like <see cref="Report"/>.</summary>
    [Alias("ReportBatch"), ResponseTimeout(ClusterDefaults.IngestCallTimeout)]
    Task ReportBatch(IReadOnlyList<MetricsReport> samples);

    /// <summary>The newest durable sample by timestamp, or null for an agent never seen.</summary>
    /// <remarks>It only reads an immutable snapshot, so it never waits behind a sample's commit.</remarks>
    [Alias("GetLatest"), ReadOnly, AlwaysInterleave]
    Task<LatestMetrics?> GetLatest();

    /// <summary>Registration, liveness and headline values, or null for an agent never seen.</summary>
    [Alias("GetSummary")]
    Task<AgentSummary?> GetSummary();

    /// <summary>The agent's alerts that are pending, firing, unknown or recently resolved, with their newest values.</summary>
    [Alias("GetAlerts")]
    Task<AlertList> GetAlerts();

    /// <summary>Acknowledges one of the agent's active alerts; null when it has no such alert pending, firing or unknown.</summary>
    [Alias("Acknowledge")]
    Task<AlertView?> Acknowledge(string alertId, Acknowledgement acknowledgement);

    /// <summary>
    /// Deletes the agent: its registration, its history in every tier and its alerts, stored and in memory; false for an
    /// agent never seen (or already deleted). A later sample registers it as new.
    /// </summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>Activates the grain so it watches the agent's liveness; called for every known agent when a silo starts.</summary>
    [Alias("Watch")]
    Task Watch();
}
