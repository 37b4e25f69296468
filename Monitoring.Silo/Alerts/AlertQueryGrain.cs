using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Orleans.Concurrency;

namespace Monitoring.Silo.Alerts;

/// <summary>Serves fleet-wide alert queries from the alert tables on whichever silo receives them.</summary>
[StatelessWorker]
public sealed class AlertQueryGrain(AlertReader reader, AlertPreviewer previewer) : Grain, IAlertQueryGrain
{
    public Task<IReadOnlyList<AlertEvent>> Current(IReadOnlyList<string> states) => reader.CurrentAsync(states);

    public Task<NotificationList> Notifications(string? alertId, int limit) => reader.NotificationsAsync(alertId, limit);

    public Task<AlertRulePreview> Preview(AlertRule rule, string? agentId, DateTimeOffset from, DateTimeOffset to) =>
        previewer.PreviewAsync(rule, agentId, from, to);

    public Task<AlertHistory> History(DateTimeOffset from, DateTimeOffset to, string? agentId) => reader.HistoryAsync(from, to, agentId);
}
