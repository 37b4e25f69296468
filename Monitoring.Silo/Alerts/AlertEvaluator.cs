using System.Globalization;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The alert state machine of one agent: inactive → pending → firing → resolved, unknown while the agent is down, with
/// hysteresis, <c>keep_firing_for</c> and flap detection. Pure over (state, rules, values, time): the agent grain drives it
/// with samples and timer ticks, the preview with stored history.
/// </summary>
public sealed class AlertEvaluator(AgentAlertState state, AlertingOptions options)
{
    private readonly List<AlertEvent> _events = [];

    /// <summary>Forecast rules' lines by window and series: in memory only, refilled from new samples after a restart.</summary>
    private readonly Dictionary<(TimeSpan Window, string Series), TrendWindow> _trends = [];

    public AgentAlertState State => state;

    /// <summary>Transitions since the last <see cref="TakeEvents"/>; non-empty means the state must be persisted.</summary>
    public bool HasEvents => _events.Count > 0;

    public IReadOnlyList<AlertEvent> TakeEvents()
    {
        var events = _events.ToArray();
        _events.Clear();
        return events;
    }

    /// <summary>Evaluates every threshold rule in scope against the sample's values.</summary>
    public void OnSample(CompiledRuleSet rules, string agentId, string agentName, IReadOnlyDictionary<string, double> values, DateTimeOffset now)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules.Rules)
        {
            if (!rule.Enabled || !rule.AppliesTo(agentId, agentName))
            {
                continue;
            }

            seen.Add(rule.Id);
            if (rule.IsLiveness)
            {
                continue;
            }

            if (rule.HasExactMetric)
            {
                if (values.TryGetValue(rule.Rule.Metric!, out var value))
                {
                    Observe(rule, agentId, agentName, rule.Rule.Metric!, value, now);
                }
            }
            else
            {
                foreach (var (series, value) in values)
                {
                    if (rule.MatchesSeries(series))
                    {
                        Observe(rule, agentId, agentName, series, value, now);
                    }
                }

                EndVanished(rule.Id, values, agentId, now);
            }
        }

        Retire(seen, agentId, now);
        UpdateFlapping(now, agentId);
        ForgetStaleTrends(now);
    }

    /// <summary>Moves alerts whose <c>for</c> or <c>keep_firing_for</c> has run out.</summary>
    public void OnTick(CompiledRuleSet rules, string agentId, DateTimeOffset now)
    {
        foreach (var alert in state.Alerts.Values.ToArray())
        {
            if (rules.Find(alert.RuleId) is not { } rule)
            {
                continue;
            }

            if (alert.State == AlertState.Pending && now - alert.StartedAt >= rule.For)
            {
                Move(alert, AlertState.Firing, agentId, now);
            }
            else if (alert.State == AlertState.Firing && alert.ClearedSince is { } cleared && now - cleared >= rule.KeepFiringFor)
            {
                Move(alert, AlertState.Resolved, agentId, now);
            }
        }
    }

    /// <summary>The agent missed its intervals: <c>agent_down</c> fires and every other alert becomes unknown.</summary>
    public void OnDown(CompiledRuleSet rules, string agentId, string agentName, TimeSpan silentFor, TimeSpan downAfter, DateTimeOffset now)
    {
        state.DownSince = now;
        foreach (var alert in state.Alerts.Values.ToArray())
        {
            if (alert.State is AlertState.Pending or AlertState.Firing && alert.Series != AlertRuleValidator.AgentDownMetric)
            {
                alert.ClearedSince = null;
                Move(alert, AlertState.Unknown, agentId, now);
            }
        }

        foreach (var rule in rules.Rules.Where(r => r.IsLiveness && r.Enabled && r.AppliesTo(agentId, agentName)))
        {
            var alert = Instance(rule, agentId, agentName, AlertRuleValidator.AgentDownMetric, now);
            alert.Value = Math.Round(silentFor.TotalSeconds);
            alert.Threshold = downAfter.TotalSeconds;
            Render(alert, rule, agentId, now);
            Move(alert, AlertState.Firing, agentId, now);
        }
    }

    /// <summary>A sample arrived from a down agent: <c>agent_down</c> resolves; its other alerts wait for their values.</summary>
    public void OnUp(string agentId, DateTimeOffset now)
    {
        state.DownSince = null;
        foreach (var alert in state.Alerts.Values.Where(a => a.Series == AlertRuleValidator.AgentDownMetric && a.State == AlertState.Firing).ToArray())
        {
            Move(alert, AlertState.Resolved, agentId, now);
        }
    }

    /// <summary>The next moment a pending alert may fire or a kept alert may resolve.</summary>
    public DateTimeOffset? NextDeadline(CompiledRuleSet rules)
    {
        DateTimeOffset? next = null;
        foreach (var alert in state.Alerts.Values)
        {
            DateTimeOffset? due = alert.State switch
            {
                AlertState.Pending when rules.Find(alert.RuleId) is { } rule => alert.StartedAt + rule.For,
                AlertState.Firing when alert.ClearedSince is { } cleared && rules.Find(alert.RuleId) is { } rule => cleared + rule.KeepFiringFor,
                _ => null,
            };
            if (due < next || next is null)
            {
                next = due ?? next;
            }
        }

        return next;
    }

    /// <summary>
    /// A threshold rule judges the value; a forecast rule judges the value its line predicts <c>forecast</c> ahead, and
    /// without a line (too few samples yet) judges nothing, so it never alerts on a guess.
    /// </summary>
    private void Observe(CompiledRule rule, string agentId, string agentName, string series, double value, DateTimeOffset now)
    {
        if (rule.Forecast is not { } ahead)
        {
            Evaluate(rule, agentId, agentName, series, new Judged(value, value, null), now);
            return;
        }

        if (!_trends.TryGetValue((rule.Window, series), out var trend))
        {
            trend = new TrendWindow(rule.Window);
            _trends[(rule.Window, series)] = trend;
        }

        trend.Add(now, value);
        if (trend.Fit(now) is { } line)
        {
            Evaluate(rule, agentId, agentName, series, new Judged(value, line.At(now + ahead), PredictedAt(rule, line, now)), now);
        }
    }

    /// <summary>When the line meets the threshold: now if it already does, null if it never will from here.</summary>
    private static DateTimeOffset? PredictedAt(CompiledRule rule, TrendLine line, DateTimeOffset now) =>
        rule.Breaches(line.At(now)) ? now : line.Crossing(rule.Threshold) is { } crossing && crossing > now ? crossing : null;

    private void ForgetStaleTrends(DateTimeOffset now)
    {
        foreach (var (key, trend) in _trends)
        {
            if (now - trend.Newest > trend.Window)
            {
                _trends.Remove(key);
            }
        }
    }

    private void Evaluate(CompiledRule rule, string agentId, string agentName, string series, Judged judged, DateTimeOffset now)
    {
        state.Alerts.TryGetValue(AlertInstance.Key(rule.Id, series), out var alert);
        var breach = rule.Breaches(judged.Tested);
        switch (alert?.State ?? AlertState.Inactive)
        {
            case AlertState.Inactive or AlertState.Resolved when breach:
                alert = Instance(rule, agentId, agentName, series, now);
                alert.StartedAt = now;
                alert.FiredAt = null;
                alert.ResolvedAt = null;
                alert.ClearedSince = null;
                Update(alert, rule, agentId, judged, now);
                Move(alert, rule.For <= TimeSpan.Zero ? AlertState.Firing : AlertState.Pending, agentId, now);
                break;
            case AlertState.Pending when !breach:
                Update(alert!, rule, agentId, judged, now);
                Move(alert!, AlertState.Inactive, agentId, now);
                state.Alerts.Remove(AlertInstance.Key(rule.Id, series));
                break;
            case AlertState.Pending:
                Update(alert!, rule, agentId, judged, now);
                if (now - alert!.StartedAt >= rule.For)
                {
                    Move(alert, AlertState.Firing, agentId, now);
                }

                break;
            case AlertState.Firing or AlertState.Unknown:
                Update(alert!, rule, agentId, judged, now);
                EvaluateActive(alert!, rule, agentId, judged.Tested, now);
                break;
            default:
                if (alert is not null)
                {
                    Update(alert, rule, agentId, judged, now);
                }

                break;
        }
    }

    private void EvaluateActive(AlertInstance alert, CompiledRule rule, string agentId, double value, DateTimeOffset now)
    {
        if (!rule.Recovered(value))
        {
            alert.ClearedSince = null;
            if (alert.State == AlertState.Unknown)
            {
                // Back from down: an alert that had fired fires on; one that was only pending starts its wait again.
                if (alert.FiredAt is null)
                {
                    alert.StartedAt = now;
                }

                Move(alert, alert.FiredAt is null && rule.For > TimeSpan.Zero ? AlertState.Pending : AlertState.Firing, agentId, now);
            }

            return;
        }

        if (alert.State == AlertState.Unknown && alert.FiredAt is null)
        {
            // It was only pending when the agent went down: it never fired, so it cannot resolve.
            Move(alert, AlertState.Inactive, agentId, now);
            state.Alerts.Remove(AlertInstance.Key(alert.RuleId, alert.Series));
            return;
        }

        if (alert.State == AlertState.Firing && rule.KeepFiringFor > TimeSpan.Zero)
        {
            alert.ClearedSince ??= now;
            if (now - alert.ClearedSince < rule.KeepFiringFor)
            {
                return;
            }
        }

        alert.ClearedSince = null;
        Move(alert, AlertState.Resolved, agentId, now);
    }

    /// <summary>Alerts of rules deleted, disabled or scoped away: active ones resolve, pending ones go.</summary>
    private void Retire(HashSet<string> liveRules, string agentId, DateTimeOffset now)
    {
        foreach (var (key, alert) in state.Alerts.ToArray())
        {
            if (!liveRules.Contains(alert.RuleId))
            {
                End(key, alert, agentId, now);
            }

            if (alert.State == AlertState.Resolved && now - alert.StateSince > options.ResolvedRetention)
            {
                state.Alerts.Remove(key);
                _events.Add(Event(alert, agentId, AlertState.Resolved, AlertState.Inactive, now));
            }
        }
    }

    /// <summary>
    /// A wildcard rule's series that a sample no longer carries is gone (a disk unmounted, a unit no longer failed,
    /// a sensor removed): its alert ends, as it would for a retired rule. An exact metric's gap leaves its alert alone.
    /// </summary>
    private void EndVanished(string ruleId, IReadOnlyDictionary<string, double> values, string agentId, DateTimeOffset now)
    {
        if (state.Alerts.Count == 0)
        {
            return;
        }

        foreach (var (key, alert) in state.Alerts.ToArray())
        {
            if (alert.RuleId == ruleId && !values.ContainsKey(alert.Series))
            {
                End(key, alert, agentId, now);
            }
        }
    }

    /// <summary>Ends an alert whose rule or series is gone: a firing or unknown one resolves, a pending one is forgotten.</summary>
    private void End(string key, AlertInstance alert, string agentId, DateTimeOffset now)
    {
        if (alert.State is AlertState.Firing or AlertState.Unknown)
        {
            Move(alert, AlertState.Resolved, agentId, now);
        }
        else if (alert.State == AlertState.Pending)
        {
            Move(alert, AlertState.Inactive, agentId, now);
            state.Alerts.Remove(key);
        }
    }

    private void UpdateFlapping(DateTimeOffset now, string agentId)
    {
        foreach (var alert in state.Alerts.Values)
        {
            alert.Changes.RemoveAll(at => now - at > options.FlapWindow);
            var flapping = alert.Flapping
                ? alert.Changes.Count > options.FlapChanges / 2
                : alert.Changes.Count > options.FlapChanges;
            if (flapping != alert.Flapping)
            {
                alert.Flapping = flapping;
                _events.Add(Event(alert, agentId, alert.State, alert.State, now));
            }
        }
    }

    private AlertInstance Instance(CompiledRule rule, string agentId, string agentName, string series, DateTimeOffset now)
    {
        var key = AlertInstance.Key(rule.Id, series);
        if (!state.Alerts.TryGetValue(key, out var alert))
        {
            alert = new AlertInstance
            {
                Id = AlertIds.For(agentId, rule.Id, series),
                RuleId = rule.Id,
                Series = series,
                State = AlertState.Inactive,
                StartedAt = now,
                StateSince = now,
            };
            state.Alerts[key] = alert;
        }

        alert.RuleName = rule.Rule.Name!;
        alert.AgentName = agentName;
        alert.Severity = rule.Severity;
        alert.Labels = new Dictionary<string, string>(rule.Rule.Labels ?? new Dictionary<string, string>());
        return alert;
    }

    private static void Update(AlertInstance alert, CompiledRule rule, string agentId, Judged judged, DateTimeOffset now)
    {
        alert.Value = judged.Value;
        alert.PredictedAt = judged.PredictedAt;
        alert.Threshold = rule.Threshold;
        alert.Severity = rule.Severity;
        Render(alert, rule, agentId, now);
    }

    private static void Render(AlertInstance alert, CompiledRule rule, string agentId, DateTimeOffset now) =>
        alert.Summary = (rule.Rule.Summary ?? AlertRuleValidator.DefaultSummary)
            .Replace("{agent_id}", agentId, StringComparison.Ordinal)
            .Replace("{agent_name}", alert.AgentName, StringComparison.Ordinal)
            .Replace("{value}", alert.Value.ToString("0.##", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{threshold}", alert.Threshold?.ToString("0.##", CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal)
            .Replace("{metric}", alert.Series, StringComparison.Ordinal)
            .Replace("{rule}", alert.RuleName, StringComparison.Ordinal)
            .Replace("{eta}", Eta(alert.PredictedAt, now), StringComparison.Ordinal);

    /// <summary>How long until the predicted crossing, in the unit a person reads at a glance: <c>40 min</c>, <c>17 h</c>, <c>3 d</c>.</summary>
    public static string Eta(DateTimeOffset? predictedAt, DateTimeOffset now)
    {
        if (predictedAt is not { } at)
        {
            return "";
        }

        var left = at - now;
        return left.TotalMinutes < 1 ? "now"
            : left.TotalHours < 1 ? Math.Round(left.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min"
            : left.TotalHours < 48 ? Math.Round(left.TotalHours).ToString(CultureInfo.InvariantCulture) + " h"
            : Math.Round(left.TotalDays).ToString(CultureInfo.InvariantCulture) + " d";
    }

    /// <summary>A sample as a rule sees it: the value shown, the value compared (the forecast's prediction) and the crossing time.</summary>
    private readonly record struct Judged(double Value, double Tested, DateTimeOffset? PredictedAt);

    private void Move(AlertInstance alert, AlertState to, string agentId, DateTimeOffset now)
    {
        var from = alert.State;
        if (from == to)
        {
            return;
        }

        alert.State = to;
        alert.StateSince = now;
        if (to == AlertState.Firing)
        {
            alert.FiredAt ??= now;
        }
        else if (to == AlertState.Resolved)
        {
            alert.ResolvedAt = now;
            alert.Acknowledged = null;
            alert.AcknowledgedSeverity = null;
        }

        if (to is AlertState.Firing or AlertState.Resolved && from != AlertState.Unknown)
        {
            alert.Changes.Add(now);
            alert.Changes.RemoveAll(at => now - at > options.FlapWindow);
            if (!alert.Flapping && alert.Changes.Count > options.FlapChanges)
            {
                alert.Flapping = true;
            }
        }

        _events.Add(Event(alert, agentId, from, to, now));
    }

    private static AlertEvent Event(AlertInstance alert, string agentId, AlertState from, AlertState to, DateTimeOffset now) => new()
    {
        AlertId = alert.Id,
        RuleId = alert.RuleId,
        RuleName = alert.RuleName,
        AgentId = agentId,
        AgentName = alert.AgentName,
        Series = alert.Series,
        From = AlertInstance.Name(from),
        To = AlertInstance.Name(to),
        Flapping = alert.Flapping,
        Severity = alert.Severity,
        Value = alert.Value,
        Threshold = alert.Threshold,
        Summary = alert.Summary,
        Labels = alert.Labels,
        At = now,
        StartedAt = alert.StartedAt,
        FiredAt = alert.FiredAt,
        PredictedAt = alert.PredictedAt,
    };
}
