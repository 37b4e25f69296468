using Microsoft.Extensions.Options;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>The settings every agent grain runs by: alert evaluation, notification planning, the liveness threshold and the agent quota.</summary>
public sealed class AgentSettings(
    IOptions<AlertingOptions> alerting, IOptions<NotificationOptions> notifying, IOptions<LivenessOptions> liveness, IOptions<QuotaOptions> quotas)
{
    public AgentAlerting Alerting(AgentAlertState state) => new(state, alerting.Value, notifying.Value);

    public int MissedIntervalsBeforeDown => liveness.Value.MissedIntervalsBeforeDown;

    public int MaxAgents => quotas.Value.MaxAgents;
}
