using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Silo.Notifications;

/// <summary>What to tell receivers about an alert now.</summary>
public sealed record AlertNotification(string Id, string Status, bool Repeat, bool AlertmanagerOnly, AlertView Alert, AlertTransition? Transition, DateTimeOffset At);

/// <summary>
/// Decides, after each evaluation and timer tick, which of an agent's alerts to notify: a firing or resolved state once
/// (remembered in the persisted state, so a restart re-notifies nothing), reminders every repeat interval unless
/// acknowledged, nothing while flapping or silenced, and Alertmanager's keep-alive re-sends for firing alerts.
/// </summary>
public sealed class NotificationPlanner(NotificationOptions options)
{
    private readonly bool _hasAlertmanager = options.Receivers.Any(r => r.Type == ReceiverOptions.Alertmanager);

    public bool HasReceivers => options.Receivers.Count > 0;

    /// <summary>The notifications due; <paramref name="changed"/> says whether persisted fields moved.</summary>
    public IReadOnlyList<AlertNotification> Plan(AgentAlertState state, CompiledRuleSet rules, string agentId, DateTimeOffset now, out bool changed)
    {
        changed = false;
        var due = new List<AlertNotification>();
        foreach (var alert in state.Alerts.Values)
        {
            if (alert.Acknowledged is { } ack && (ack.ExpiresAt <= now || Rank(alert.Severity) > Rank(alert.AcknowledgedSeverity)))
            {
                // An expired acknowledgement, or a worse severity, notifies again now.
                alert.Acknowledged = null;
                alert.AcknowledgedSeverity = null;
                alert.NotifiedAt = null;
                changed = true;
            }

            if (!HasReceivers || alert.Flapping || rules.IsSilenced(alert, agentId, now))
            {
                continue;
            }

            if (alert.State == AlertState.Firing)
            {
                var first = alert.NotifiedState != "firing";
                var repeat = !first && alert.Acknowledged is null && (alert.NotifiedAt is null || now - alert.NotifiedAt >= options.RepeatInterval);
                if (first || repeat)
                {
                    due.Add(Notification(alert, agentId, "firing", repeat: !first, alertmanagerOnly: false, now));
                    alert.NotifiedState = "firing";
                    alert.NotifiedAt = now;
                    alert.ResentAt = now;
                    changed = true;
                }
                else if (_hasAlertmanager && (alert.ResentAt is null || now - alert.ResentAt >= options.AlertmanagerResendInterval))
                {
                    due.Add(Notification(alert, agentId, "firing", repeat: true, alertmanagerOnly: true, now));
                    alert.ResentAt = now;
                }
            }
            else if (alert.State == AlertState.Resolved && alert.NotifiedState == "firing")
            {
                due.Add(Notification(alert, agentId, "resolved", repeat: false, alertmanagerOnly: false, now));
                alert.NotifiedState = "resolved";
                alert.NotifiedAt = now;
                changed = true;
            }
        }

        return due;
    }

    /// <summary>The next reminder or Alertmanager re-send of a firing alert that may notify (not flapping, not silenced), if any.</summary>
    public DateTimeOffset? NextDeadline(AgentAlertState state, CompiledRuleSet rules, string agentId, DateTimeOffset now)
    {
        if (!HasReceivers)
        {
            return null;
        }

        DateTimeOffset? next = null;
        foreach (var alert in state.Alerts.Values.Where(a => a.State == AlertState.Firing && a.NotifiedState == "firing"
            && !a.Flapping && !rules.IsSilenced(a, agentId, now)))
        {
            if (alert.Acknowledged is null && alert.NotifiedAt is { } notified)
            {
                next = Min(next, notified + options.RepeatInterval);
            }

            if (alert.Acknowledged?.ExpiresAt is { } expires)
            {
                next = Min(next, expires);
            }

            if (_hasAlertmanager && alert.ResentAt is { } resent)
            {
                next = Min(next, resent + options.AlertmanagerResendInterval);
            }
        }

        return next;
    }

    /// <summary>
    /// A transition's id is the alert id and its notification sequence: the grain re-planning it after a crash (its state
    /// not yet written) makes the same id again. Reminders and re-sends add their time.
    /// </summary>
    private static AlertNotification Notification(AlertInstance alert, string agentId, string status, bool repeat, bool alertmanagerOnly, DateTimeOffset now) => new(
        repeat
            ? $"{alert.Id}~{alert.NotifiedSequence}~{status}~{now.ToUnixTimeMilliseconds()}"
            : $"{alert.Id}~{++alert.NotifiedSequence}~{status}",
        status,
        repeat,
        alertmanagerOnly,
        alert.ToView(agentId),
        repeat ? null : new AlertTransition(status == "firing" ? "pending" : "firing", status, alert.StateSince),
        now);

    private static int Rank(string? severity) => severity == "critical" ? 2 : severity == "warning" ? 1 : 0;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
