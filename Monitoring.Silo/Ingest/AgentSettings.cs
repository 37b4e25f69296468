using Microsoft.Extensions.Options;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;

namespace Monitoring.Silo.Ingest;

/// <summary>The settings every agent grain runs by: alert evaluation, notification planning and the liveness threshold.</summary>
public sealed class AgentSettings(IOptions<AlertingOptions> alerting, IOptions<NotificationOptions> notifying, IOptions<LivenessOptions> liveness)
{
    public AgentAlerting Alerting(AgentAlertState state) => new(state, alerting.Value, notifying.Value);

    public int MissedIntervalsBeforeDown => liveness.Value.MissedIntervalsBeforeDown;
}
