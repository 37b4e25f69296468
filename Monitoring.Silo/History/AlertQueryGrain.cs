using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Storage;
using Orleans.Concurrency;

namespace Monitoring.Silo.History;

/// <summary>Serves fleet-wide alert queries from the alert tables on whichever silo receives them.</summary>
[StatelessWorker]
public sealed class AlertQueryGrain(AlertReader reader, AlertPreviewer previewer, AlertRuleCache rules, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IAlertQueryGrain
{
    public async Task<IReadOnlyList<AlertView>> Current(IReadOnlyList<string> states)
    {
        var current = await reader.CurrentAsync(states);
        var ruleSet = await rules.GetAsync();
        var now = time.GetUtcNow();
        return [.. current.Select(e => e.ToView() with { Silenced = ruleSet.Silences.Any(s => s.Matches(e.RuleId, e.AgentId, e.Labels, now)) })];
    }

    public Task<NotificationList> Notifications(string? alertId, int limit) => reader.NotificationsAsync(alertId, limit);

    public Task<AlertRulePreview> Preview(AlertRule rule, string? agentId, DateTimeOffset from, DateTimeOffset to) =>
        previewer.PreviewAsync(rule, agentId, from, to);

    public Task<AlertHistory> History(DateTimeOffset from, DateTimeOffset to, string? agentId) => reader.HistoryAsync(from, to, agentId);
}
