using Monitoring.Contracts;

namespace Monitoring.Abstractions.Alerting;

/// <summary>Reads of the alert tables; a stateless worker on every silo.</summary>
[Alias("Monitoring.IAlertQueryGrain")]
public interface IAlertQueryGrain : IGrainWithIntegerKey
{
    /// <summary>The fleet's alerts whose newest transition left them in one of <paramref name="states"/>, as of that transition.</summary>
    [Alias("Current")]
    Task<IReadOnlyList<AlertView>> Current(IReadOnlyList<string> states);

    [Alias("Notifications")]
    Task<NotificationList> Notifications(string? alertId, int limit);

    /// <summary>Replays a validated rule over stored history: of one agent, or of every agent in its scope.</summary>
    [Alias("Preview"), ResponseTimeout(ClusterDefaults.LongCallTimeout)]
    Task<AlertRulePreview> Preview(AlertRule rule, string? agentId, DateTimeOffset from, DateTimeOffset to);

    [Alias("History"), ResponseTimeout(ClusterDefaults.LongCallTimeout)]
    Task<AlertHistory> History(DateTimeOffset from, DateTimeOffset to, string? agentId);
}
