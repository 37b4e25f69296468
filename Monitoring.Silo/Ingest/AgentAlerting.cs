using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One agent's alerting as its grain runs it on samples and timer ticks, over the agent's persisted alert state: the alert
/// state machine, <c>agent_down</c> once liveness is overdue, the notifications due and the timer's next deadline. No I/O:
/// the grain queues, persists and appends what <see cref="Take"/> hands it.
/// </summary>
public sealed class AgentAlerting(AgentAlertState state, AlertingOptions alerting, NotificationOptions notifying)
{
    private readonly AlertEvaluator _evaluator = new(state, alerting);
    private readonly NotificationPlanner _planner = new(notifying);

    public bool IsDown => state.DownSince is not null;

    /// <summary>The agent's newest sample: a down agent is up again, and every rule meets the sample's values.</summary>
    public void OnSample(CompiledRuleSet rules, string agentId, string agentName, MetricsReport sample, IReadOnlyList<KeyValuePair<string, double>> detail, DateTimeOffset now)
    {
        OnSeen(agentId, now);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (series, value) in MetricSeries.Headlines(sample).Concat(detail).Concat(MetricSeries.Checks(sample)))
        {
            values[series] = value;
        }

        _evaluator.OnSample(rules, agentId, agentName, values, now);
    }

    /// <summary>Any sample, even a backfilled older one that moves no alert, proves a down agent up.</summary>
    public void OnSeen(string agentId, DateTimeOffset now)
    {
        if (IsDown)
        {
            _evaluator.OnUp(agentId, now);
        }
    }

    /// <summary>A timer tick: <c>for</c> and <c>keep_firing_for</c> deadlines, then <c>agent_down</c> once a registered agent is overdue.</summary>
    public void OnTick(CompiledRuleSet rules, string agentId, string agentName, LivenessClock? liveness, DateTimeOffset now)
    {
        _evaluator.OnTick(rules, agentId, now);
        if (!IsDown && liveness is { } clock && clock.IsOverdue(now))
        {
            _evaluator.OnDown(rules, agentId, agentName, now - clock.LastSeen, clock.DownAfter, now);
        }
    }

    /// <summary>
    /// What the last moves call for: the notifications due, to queue first; then, when <see cref="AlertChanges.Persist"/>,
    /// the state to write and the transitions to append. A crash in between plans the same notification ids again.
    /// </summary>
    public AlertChanges Take(CompiledRuleSet rules, string agentId, DateTimeOffset now)
    {
        var due = _planner.Plan(state, rules, agentId, now, out var notifiedChanged);
        var persist = _evaluator.HasEvents || notifiedChanged;
        return new AlertChanges(due, persist ? _evaluator.TakeEvents() : [], persist);
    }

    /// <summary>
    /// When the one timer must run next: a pending alert's <c>for</c>, a kept alert's end, a reminder or re-send, or a
    /// registered agent's liveness; without rules at hand, at once if an alert waits on a deadline.
    /// </summary>
    public DateTimeOffset? NextDeadline(CompiledRuleSet? rules, string agentId, LivenessClock? liveness, DateTimeOffset now)
    {
        DateTimeOffset? due = rules is null ? null : _evaluator.NextDeadline(rules);
        if (rules is not null && _planner.NextDeadline(state, rules, agentId, now) is { } notify && (due is null || notify < due))
        {
            due = notify;
        }

        if (!IsDown && liveness is { } clock)
        {
            return due is { } d && d < clock.Deadline ? d : clock.Deadline;
        }

        return rules is null && state.Alerts.Values.Any(a => a.State == AlertState.Pending || a.ClearedSince is not null) ? now : due;
    }

    /// <summary>The agent's alerts that are not inactive, oldest first, each marked silenced or not.</summary>
    public AlertList List(CompiledRuleSet rules, string agentId, DateTimeOffset now) =>
        new([.. state.Alerts.Values
            .Where(a => a.State != AlertState.Inactive)
            .OrderBy(a => a.StartedAt)
            .Select(a => a.ToView(agentId, rules.IsSilenced(a, agentId, now)))]);

    /// <summary>Acknowledges an active alert until the acknowledgement expires or the severity worsens; null for no such alert.</summary>
    public AlertInstance? Acknowledge(string alertId, Acknowledgement acknowledgement, DateTimeOffset now)
    {
        var alert = state.Alerts.Values.FirstOrDefault(a => a.Id == alertId);
        if (alert is null || alert.State is AlertState.Inactive or AlertState.Resolved)
        {
            return null;
        }

        alert.Acknowledged = acknowledgement with { At = now };
        alert.AcknowledgedSeverity = alert.Severity;
        return alert;
    }
}

/// <summary>Notifications to queue, then (when <paramref name="Persist"/>) alert state to write and transitions to append.</summary>
public sealed record AlertChanges(IReadOnlyList<AlertNotification> Due, IReadOnlyList<AlertEvent> Events, bool Persist);
