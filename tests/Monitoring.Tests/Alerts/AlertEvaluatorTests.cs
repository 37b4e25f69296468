using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>The alert state machine alone: rules, values and times in, transitions out; no cluster, no clock but the times given.</summary>
public sealed class AlertEvaluatorTests
{
    private const string Agent = "web-01";
    private const string AgentName = "web server";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly AlertingOptions _options = new();
    private readonly AlertEvaluator _evaluator;

    public AlertEvaluatorTests() => _evaluator = new AlertEvaluator(new AgentAlertState(), _options);

    [Fact]
    public void Breaching_sample_of_a_rule_without_for_fires_at_once()
    {
        var rules = Rules(Rule(summary: "{rule} on {agent_name} ({agent_id}): {metric} is {value} over {threshold}", labels: new() { ["team"] = "ops" }));

        Sample(rules, 95.5, T0);

        Assert.Equal(["inactive>firing"], Transitions());
        var alert = Single();
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal(AlertIds.For(Agent, "cpu-high", "cpu_percent"), alert.Id);
        Assert.Equal("cpu_percent", alert.Series);
        Assert.Equal("CPU high", alert.RuleName);
        Assert.Equal(AgentName, alert.AgentName);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal(95.5, alert.Value);
        Assert.Equal(90, alert.Threshold);
        Assert.Equal("CPU high on web server (web-01): cpu_percent is 95.5 over 90", alert.Summary);
        Assert.Equal("ops", alert.Labels["team"]);
        Assert.Equal(T0, alert.StartedAt);
        Assert.Equal(T0, alert.FiredAt);
        Assert.Equal(T0, alert.StateSince);
    }

    [Fact]
    public void Transition_event_carries_the_alert_as_it_is_after_the_move()
    {
        Sample(Rules(Rule()), 95, T0);

        var transition = Assert.Single(_evaluator.TakeEvents());

        Assert.Equal(AlertIds.For(Agent, "cpu-high", "cpu_percent"), transition.AlertId);
        Assert.Equal("cpu-high", transition.RuleId);
        Assert.Equal("CPU high", transition.RuleName);
        Assert.Equal(Agent, transition.AgentId);
        Assert.Equal(AgentName, transition.AgentName);
        Assert.Equal("cpu_percent", transition.Series);
        Assert.Equal(("inactive", "firing"), (transition.From, transition.To));
        Assert.False(transition.Flapping);
        Assert.Equal("critical", transition.Severity);
        Assert.Equal(95, transition.Value);
        Assert.Equal(90, transition.Threshold);
        Assert.Equal("CPU high on web server: cpu_percent is 95", transition.Summary);
        Assert.Equal(T0, transition.At);
        Assert.Equal(T0, transition.StartedAt);
        Assert.Equal(T0, transition.FiredAt);
    }

    [Fact]
    public void Sample_that_does_not_breach_creates_no_alert_and_no_event()
    {
        Sample(Rules(Rule()), 90, T0);

        Assert.False(_evaluator.HasEvents);
        Assert.Empty(_evaluator.State.Alerts);
    }

    [Fact]
    public void Taking_the_events_empties_them()
    {
        Sample(Rules(Rule()), 95, T0);
        Assert.True(_evaluator.HasEvents);

        Assert.Single(_evaluator.TakeEvents());

        Assert.False(_evaluator.HasEvents);
        Assert.Empty(_evaluator.TakeEvents());
    }

    [Theory]
    [InlineData(">", 90.5, true)]
    [InlineData(">", 90, false)]
    [InlineData(">=", 90, true)]
    [InlineData(">=", 89.5, false)]
    [InlineData("<", 89.5, true)]
    [InlineData("<", 90, false)]
    [InlineData("<=", 90, true)]
    [InlineData("<=", 90.5, false)]
    [InlineData("==", 90, true)]
    [InlineData("==", 90.5, false)]
    [InlineData("!=", 90.5, true)]
    [InlineData("!=", 90, false)]
    public void Each_comparator_breaches_only_on_its_side_of_the_threshold(string comparator, double value, bool fires)
    {
        Sample(Rules(Rule(comparator: comparator)), value, T0);

        string[] expected = fires ? ["inactive>firing"] : [];
        Assert.Equal(expected, Transitions());
    }

    [Fact]
    public void Breaching_sample_of_a_rule_with_for_is_pending_until_for_has_passed()
    {
        var rules = Rules(Rule(forDuration: "5m"));

        Sample(rules, 95, T0);
        Sample(rules, 96, T0.AddMinutes(5).AddSeconds(-1));

        Assert.Equal(["inactive>pending"], Transitions());
        Assert.Equal(AlertState.Pending, Single().State);
        Assert.Equal(96, Single().Value);
        Assert.Null(Single().FiredAt);

        Sample(rules, 97, T0.AddMinutes(5));

        Assert.Equal(["pending>firing"], Transitions());
        Assert.Equal(T0, Single().StartedAt);
        Assert.Equal(T0.AddMinutes(5), Single().FiredAt);
    }

    [Fact]
    public void Pending_alert_fires_on_the_tick_at_its_deadline_without_another_sample()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        _evaluator.TakeEvents();

        Assert.Equal(T0.AddMinutes(5), _evaluator.NextDeadline(rules));
        _evaluator.OnTick(rules, Agent, T0.AddMinutes(5).AddTicks(-1));
        Assert.Empty(Transitions());

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(5));

        Assert.Equal(["pending>firing"], Transitions());
        Assert.Null(_evaluator.NextDeadline(rules));
    }

    [Fact]
    public void Pending_alert_whose_condition_clears_goes_back_to_inactive_and_is_forgotten()
    {
        var rules = Rules(Rule(forDuration: "5m"));

        Sample(rules, 95, T0);
        Sample(rules, 50, T0.AddMinutes(1));

        Assert.Equal(["inactive>pending", "pending>inactive"], Transitions());
        Assert.Empty(_evaluator.State.Alerts);
        Assert.Null(_evaluator.NextDeadline(rules));
    }

    [Fact]
    public void Pending_alert_that_cleared_waits_its_whole_for_again_when_it_breaches_again()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        Sample(rules, 50, T0.AddMinutes(1));
        Sample(rules, 95, T0.AddMinutes(2));
        _evaluator.TakeEvents();

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(5));
        Assert.Empty(Transitions());
        Assert.Equal(T0.AddMinutes(7), _evaluator.NextDeadline(rules));

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(7));

        Assert.Equal(["pending>firing"], Transitions());
        Assert.Equal(T0.AddMinutes(2), Single().StartedAt);
    }

    [Fact]
    public void Firing_alert_without_a_clear_threshold_resolves_as_soon_as_it_no_longer_breaches()
    {
        var rules = Rules(Rule());
        Sample(rules, 95, T0);

        Sample(rules, 90, T0.AddMinutes(1));

        Assert.Equal(["inactive>firing", "firing>resolved"], Transitions());
        Assert.Equal(T0.AddMinutes(1), Single().ResolvedAt);
        Assert.Equal(90, Single().Value);
    }

    [Fact]
    public void Firing_alert_resolves_only_below_the_clear_threshold()
    {
        var rules = Rules(Rule(recovery: 80));
        Sample(rules, 95, T0);
        _evaluator.TakeEvents();

        Sample(rules, 85, T0.AddMinutes(1));
        Sample(rules, 80, T0.AddMinutes(2));

        Assert.Empty(Transitions());
        Assert.Equal(AlertState.Firing, Single().State);
        Assert.Equal(80, Single().Value);

        Sample(rules, 79.9, T0.AddMinutes(3));

        Assert.Equal(["firing>resolved"], Transitions());
    }

    [Fact]
    public void Firing_alert_of_a_less_than_rule_resolves_only_above_its_clear_threshold()
    {
        var rules = Rules(Rule(comparator: "<", threshold: 10, recovery: 20));
        Sample(rules, 5, T0);
        _evaluator.TakeEvents();

        Sample(rules, 20, T0.AddMinutes(1));
        Assert.Empty(Transitions());

        Sample(rules, 20.1, T0.AddMinutes(2));

        Assert.Equal(["firing>resolved"], Transitions());
    }

    [Fact]
    public void Value_between_the_thresholds_does_not_fire_a_resolved_alert_again()
    {
        var rules = Rules(Rule(recovery: 80));
        Sample(rules, 95, T0);
        Sample(rules, 70, T0.AddMinutes(1));
        _evaluator.TakeEvents();

        Sample(rules, 85, T0.AddMinutes(2));

        Assert.Empty(Transitions());
        Assert.Equal(AlertState.Resolved, Single().State);
        Assert.Equal(85, Single().Value);
    }

    [Fact]
    public void Resolved_alert_that_breaches_again_starts_a_new_episode_under_the_same_id()
    {
        var rules = Rules(Rule(forDuration: "1m"));
        Sample(rules, 95, T0);
        Sample(rules, 95, T0.AddMinutes(1));
        Sample(rules, 50, T0.AddMinutes(2));
        var id = Single().Id;
        _evaluator.TakeEvents();

        Sample(rules, 95, T0.AddMinutes(3));

        Assert.Equal(["resolved>pending"], Transitions());
        var alert = Single();
        Assert.Equal(id, alert.Id);
        Assert.Equal(T0.AddMinutes(3), alert.StartedAt);
        Assert.Null(alert.FiredAt);
        Assert.Null(alert.ResolvedAt);
    }

    [Fact]
    public void Firing_alert_keeps_firing_for_keep_firing_for_after_its_condition_clears_and_resolves_on_the_tick()
    {
        var rules = Rules(Rule(keepFiringFor: "5m"));
        Sample(rules, 95, T0);
        _evaluator.TakeEvents();

        Sample(rules, 50, T0.AddMinutes(1));
        Sample(rules, 40, T0.AddMinutes(5));

        Assert.Empty(Transitions());
        Assert.Equal(AlertState.Firing, Single().State);
        Assert.Equal(T0.AddMinutes(1), Single().ClearedSince);
        Assert.Equal(T0.AddMinutes(6), _evaluator.NextDeadline(rules));

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(6).AddTicks(-1));
        Assert.Empty(Transitions());

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(6));

        Assert.Equal(["firing>resolved"], Transitions());
        Assert.Equal(T0.AddMinutes(6), Single().ResolvedAt);
    }

    [Fact]
    public void Clear_sample_after_keep_firing_for_has_run_out_resolves_without_a_tick()
    {
        var rules = Rules(Rule(keepFiringFor: "5m"));
        Sample(rules, 95, T0);
        Sample(rules, 50, T0.AddMinutes(1));
        _evaluator.TakeEvents();

        Sample(rules, 50, T0.AddMinutes(6));

        Assert.Equal(["firing>resolved"], Transitions());
        Assert.Null(Single().ClearedSince);
    }

    [Fact]
    public void Breach_during_keep_firing_for_cancels_the_countdown()
    {
        var rules = Rules(Rule(keepFiringFor: "5m"));
        Sample(rules, 95, T0);
        Sample(rules, 50, T0.AddMinutes(1));
        _evaluator.TakeEvents();

        Sample(rules, 95, T0.AddMinutes(2));

        Assert.Null(Single().ClearedSince);
        Assert.Null(_evaluator.NextDeadline(rules));
        _evaluator.OnTick(rules, Agent, T0.AddMinutes(6));
        Assert.Empty(Transitions());
        Assert.Equal(AlertState.Firing, Single().State);
    }

    [Fact]
    public void Keep_firing_for_counts_from_when_the_value_passes_the_clear_threshold()
    {
        var rules = Rules(Rule(recovery: 80, keepFiringFor: "5m"));
        Sample(rules, 95, T0);
        Sample(rules, 85, T0.AddMinutes(1));
        Assert.Null(Single().ClearedSince);

        Sample(rules, 70, T0.AddMinutes(2));

        Assert.Equal(T0.AddMinutes(2), Single().ClearedSince);
        Assert.Equal(T0.AddMinutes(7), _evaluator.NextDeadline(rules));
    }

    [Fact]
    public void Alert_that_fires_and_resolves_more_than_flap_changes_times_in_the_window_is_flapping()
    {
        var rules = Rules(Rule());

        for (var minute = 0; minute < 5; minute++)
        {
            Sample(rules, minute % 2 == 0 ? 95 : 50, T0.AddMinutes(minute));
        }

        var events = _evaluator.TakeEvents();
        Assert.Equal(5, events.Count);
        Assert.All(events.Take(4), e => Assert.False(e.Flapping));
        Assert.True(events[4].Flapping);
        Assert.True(Single().Flapping);
        Assert.Equal(5, Single().Changes.Count);
    }

    [Fact]
    public void Changes_older_than_the_flap_window_do_not_count_toward_flapping()
    {
        var rules = Rules(Rule());

        for (var change = 0; change < 5; change++)
        {
            Sample(rules, change % 2 == 0 ? 95 : 50, T0.AddMinutes(change * 3));
        }

        Assert.Equal(5, _evaluator.TakeEvents().Count);
        Assert.False(Single().Flapping);
        Assert.Equal(4, Single().Changes.Count);
    }

    [Fact]
    public void Flapping_alert_calms_down_only_when_changes_in_the_window_fall_to_half_the_limit()
    {
        var rules = Rules(Rule());
        for (var minute = 0; minute < 5; minute++)
        {
            Sample(rules, minute % 2 == 0 ? 95 : 50, T0.AddMinutes(minute));
        }

        _evaluator.TakeEvents();

        Sample(rules, 95, T0.AddMinutes(11.5));
        Assert.Empty(Transitions());
        Assert.True(Single().Flapping);

        Sample(rules, 95, T0.AddMinutes(12.5));

        var calm = Assert.Single(_evaluator.TakeEvents());
        Assert.Equal(("firing", "firing"), (calm.From, calm.To));
        Assert.False(calm.Flapping);
        Assert.False(Single().Flapping);
    }

    [Fact]
    public void Sample_without_the_rules_series_leaves_its_alerts_as_they_were()
    {
        var rules = Rules(Rule(), Rule(id: "mem-high", metric: "memory.percent", forDuration: "5m"));
        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 95 }, T0);
        _evaluator.TakeEvents();

        SampleSeries(rules, new() { ["disk.percent"] = 10 }, T0.AddMinutes(1));

        Assert.Empty(Transitions());
        Assert.Equal(AlertState.Firing, Alert("cpu-high", "cpu_percent").State);
        Assert.Equal(95, Alert("cpu-high", "cpu_percent").Value);
        Assert.Equal(AlertState.Pending, Alert("mem-high", "memory.percent").State);
    }

    [Fact]
    public void Pending_alert_fires_at_its_deadline_even_when_later_samples_lack_its_series()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        SampleSeries(rules, new() { ["disk.percent"] = 10 }, T0.AddMinutes(3));
        _evaluator.TakeEvents();

        _evaluator.OnTick(rules, Agent, T0.AddMinutes(5));

        Assert.Equal(["pending>firing"], Transitions());
    }

    [Fact]
    public void Wildcard_rule_keeps_one_alert_per_matching_series()
    {
        var rules = Rules(Rule(id: "disk-full", metric: "disk[*].percent"));

        SampleSeries(rules, new() { ["disk[/].percent"] = 95, ["disk[/home].percent"] = 50, ["disk.percent"] = 99 }, T0);
        SampleSeries(rules, new() { ["disk[/].percent"] = 50, ["disk[/home].percent"] = 97 }, T0.AddMinutes(1));

        Assert.Equal(["inactive>firing", "firing>resolved", "inactive>firing"], Transitions());
        Assert.Equal(AlertState.Resolved, Alert("disk-full", "disk[/].percent").State);
        Assert.Equal(AlertState.Firing, Alert("disk-full", "disk[/home].percent").State);
        Assert.NotEqual(Alert("disk-full", "disk[/].percent").Id, Alert("disk-full", "disk[/home].percent").Id);
        Assert.Equal(2, _evaluator.State.Alerts.Count);
    }

    [Fact]
    public void A_wildcard_alert_whose_series_a_sample_no_longer_carries_resolves_and_a_pending_one_is_forgotten()
    {
        var rules = Rules(Rule(id: "disk-full", metric: "disk[*].percent"), Rule(id: "unit-failed", metric: "service[*].failed", comparator: ">=", threshold: 1, forDuration: "5m"));
        SampleSeries(rules, new() { ["disk[/mnt].percent"] = 95, ["disk[/].percent"] = 96, ["service[backup.service].failed"] = 1 }, T0);
        _evaluator.TakeEvents();

        SampleSeries(rules, new() { ["disk[/].percent"] = 97 }, T0.AddMinutes(1));

        Assert.Equal(["firing>resolved", "pending>inactive"], Transitions());
        Assert.Equal(AlertState.Resolved, Alert("disk-full", "disk[/mnt].percent").State);
        Assert.Equal(AlertState.Firing, Alert("disk-full", "disk[/].percent").State);
        Assert.DoesNotContain(_evaluator.State.Alerts.Values, alert => alert.RuleId == "unit-failed");
    }

    [Theory]
    [InlineData(new[] { "web-02" }, null, false)]
    [InlineData(new[] { "web-02", Agent }, null, true)]
    [InlineData(null, "db-*", false)]
    [InlineData(null, "WEB-*", true)]
    [InlineData(null, "web serv?r", true)]
    public void Rule_applies_only_to_the_agents_in_its_scope(string[]? agentIds, string? match, bool fires)
    {
        var rules = Rules(Rule() with { Scope = new AlertScope { AgentIds = agentIds, Match = match } });

        Sample(rules, 95, T0);

        string[] expected = fires ? ["inactive>firing"] : [];
        Assert.Equal(expected, Transitions());
    }

    [Fact]
    public void Disabled_rule_does_not_evaluate()
    {
        Sample(Rules(Rule() with { Enabled = false }), 95, T0);

        Assert.Empty(Transitions());
    }

    [Fact]
    public void Alerts_of_a_rule_that_is_gone_resolve_when_firing_and_vanish_when_pending()
    {
        var rules = Rules(Rule(), Rule(id: "mem-high", metric: "memory.percent", forDuration: "5m"));
        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 95 }, T0);
        _evaluator.TakeEvents();

        SampleSeries(Rules(), new() { ["cpu_percent"] = 95, ["memory.percent"] = 95 }, T0.AddMinutes(1));

        Assert.Equal(["firing>resolved", "pending>inactive"], Transitions());
        Assert.Equal(AlertState.Resolved, Single().State);
        Assert.Equal("cpu-high", Single().RuleId);
    }

    [Fact]
    public void Unknown_alert_of_a_rule_that_is_gone_resolves()
    {
        var rules = Rules(Rule(), LivenessRule());
        Sample(rules, 95, T0);
        _evaluator.OnDown(rules, Agent, AgentName, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), T0.AddMinutes(3));
        _evaluator.TakeEvents();

        Sample(Rules(LivenessRule()), 95, T0.AddMinutes(4));

        Assert.Equal(["unknown>resolved"], Transitions());
    }

    [Fact]
    public void Resolved_alert_is_forgotten_once_the_resolved_retention_has_passed()
    {
        var rules = Rules(Rule());
        Sample(rules, 95, T0);
        Sample(rules, 50, T0.AddMinutes(1));
        _evaluator.TakeEvents();

        Sample(rules, 50, T0.AddMinutes(1) + _options.ResolvedRetention);
        Assert.Single(_evaluator.State.Alerts);
        Assert.Empty(Transitions());

        Sample(rules, 50, T0.AddMinutes(1) + _options.ResolvedRetention + TimeSpan.FromTicks(1));

        Assert.Equal(["resolved>inactive"], Transitions());
        Assert.Empty(_evaluator.State.Alerts);
    }

    [Fact]
    public void Agent_down_fires_agent_down_and_makes_the_other_active_alerts_unknown()
    {
        var rules = Rules(Rule(), Rule(id: "mem-high", metric: "memory.percent", forDuration: "5m"), Rule(id: "disk-full", metric: "disk.percent"), LivenessRule());
        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 95, ["disk.percent"] = 95 }, T0);
        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 95, ["disk.percent"] = 10 }, T0.AddMinutes(1));
        _evaluator.TakeEvents();
        var down = T0.AddMinutes(4);

        _evaluator.OnDown(rules, Agent, AgentName, TimeSpan.FromSeconds(180.4), TimeSpan.FromMinutes(3), down);

        Assert.Equal(["firing>unknown", "pending>unknown", "inactive>firing"], Transitions());
        Assert.Equal(down, _evaluator.State.DownSince);
        Assert.Equal(AlertState.Resolved, Alert("disk-full", "disk.percent").State);
        var agentDown = Alert("agent-down", AlertRuleValidator.AgentDownMetric);
        Assert.Equal(AlertState.Firing, agentDown.State);
        Assert.Equal(180, agentDown.Value);
        Assert.Equal(180, agentDown.Threshold);
        Assert.Equal("web server silent for 180s", agentDown.Summary);
        Assert.Equal(down, agentDown.FiredAt);
    }

    [Fact]
    public void Agent_down_rule_is_not_evaluated_against_sample_values()
    {
        SampleSeries(Rules(LivenessRule()), new() { [AlertRuleValidator.AgentDownMetric] = 1 }, T0);

        Assert.Empty(Transitions());
    }

    [Fact]
    public void Agent_coming_back_resolves_agent_down_and_leaves_its_other_alerts_unknown_until_their_values_arrive()
    {
        var rules = Rules(Rule(), LivenessRule());
        Sample(rules, 95, T0);
        _evaluator.OnDown(rules, Agent, AgentName, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), T0.AddMinutes(3));
        _evaluator.TakeEvents();

        _evaluator.OnUp(Agent, T0.AddMinutes(10));

        Assert.Equal(["firing>resolved"], Transitions());
        Assert.Null(_evaluator.State.DownSince);
        Assert.Equal(AlertState.Resolved, Alert("agent-down", AlertRuleValidator.AgentDownMetric).State);
        Assert.Equal(AlertState.Unknown, Alert("cpu-high", "cpu_percent").State);
    }

    [Fact]
    public void Unknown_alert_that_had_fired_fires_on_when_its_value_still_breaches()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        _evaluator.OnTick(rules, Agent, T0.AddMinutes(5));
        GoDownAndUp(rules, T0.AddMinutes(8));

        Sample(rules, 95, T0.AddMinutes(10));

        Assert.Equal(["unknown>firing"], Transitions());
        Assert.Equal(T0.AddMinutes(5), Single().FiredAt);
        Assert.Single(Single().Changes);
    }

    [Fact]
    public void Unknown_alert_that_had_fired_resolves_at_once_when_its_value_has_recovered_despite_keep_firing_for()
    {
        var rules = Rules(Rule(keepFiringFor: "5m"));
        Sample(rules, 95, T0);
        GoDownAndUp(rules, T0.AddMinutes(3));

        Sample(rules, 50, T0.AddMinutes(10));

        Assert.Equal(["unknown>resolved"], Transitions());
        Assert.Equal(T0.AddMinutes(10), Single().ResolvedAt);
    }

    [Fact]
    public void Unknown_alert_that_was_only_pending_waits_its_whole_for_again_when_its_value_still_breaches()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        GoDownAndUp(rules, T0.AddMinutes(3));

        Sample(rules, 95, T0.AddMinutes(10));

        Assert.Equal(["unknown>pending"], Transitions());
        Assert.Equal(T0.AddMinutes(10), Single().StartedAt);
        Assert.Equal(T0.AddMinutes(15), _evaluator.NextDeadline(rules));
    }

    [Fact]
    public void Unknown_alert_that_was_only_pending_goes_inactive_when_its_value_has_recovered()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        GoDownAndUp(rules, T0.AddMinutes(3));

        Sample(rules, 50, T0.AddMinutes(10));

        Assert.Equal(["unknown>inactive"], Transitions());
        Assert.Empty(_evaluator.State.Alerts);
    }

    [Fact]
    public void Unknown_alert_that_never_fired_fires_at_once_when_its_rule_no_longer_waits_for_a_for()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        GoDownAndUp(rules, T0.AddMinutes(3));

        Sample(Rules(Rule()), 95, T0.AddMinutes(10));

        Assert.Equal(["unknown>firing"], Transitions());
        Assert.Equal(T0.AddMinutes(10), Single().FiredAt);
    }

    [Fact]
    public void Unknown_alert_neither_fires_nor_resolves_on_a_tick()
    {
        var rules = Rules(Rule(forDuration: "5m"));
        Sample(rules, 95, T0);
        _evaluator.OnDown(rules, Agent, AgentName, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), T0.AddMinutes(3));
        _evaluator.TakeEvents();

        _evaluator.OnTick(rules, Agent, T0.AddHours(1));

        Assert.Empty(Transitions());
        Assert.Null(_evaluator.NextDeadline(rules));
    }

    [Fact]
    public void Next_deadline_is_the_earliest_of_pending_and_kept_alerts()
    {
        var rules = Rules(Rule(forDuration: "10m"), Rule(id: "mem-high", metric: "memory.percent", keepFiringFor: "2m"));
        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 95 }, T0);
        Assert.Equal(T0.AddMinutes(10), _evaluator.NextDeadline(rules));

        SampleSeries(rules, new() { ["cpu_percent"] = 95, ["memory.percent"] = 50 }, T0.AddMinutes(1));

        Assert.Equal(T0.AddMinutes(3), _evaluator.NextDeadline(rules));
    }

    private static AlertRule Rule(
        string id = "cpu-high", string metric = "cpu_percent", string comparator = ">", double threshold = 90, string? forDuration = null,
        double? recovery = null, string? keepFiringFor = null, string? summary = null, Dictionary<string, string>? labels = null) => new()
        {
            Id = id,
            Name = id == "cpu-high" ? "CPU high" : id,
            Metric = metric,
            Comparator = comparator,
            Threshold = threshold,
            For = forDuration,
            RecoveryThreshold = recovery,
            KeepFiringFor = keepFiringFor,
            Severity = "critical",
            Summary = summary,
            Labels = labels,
        };

    private static AlertRule LivenessRule() => new()
    {
        Id = "agent-down",
        Name = "Agent down",
        Metric = AlertRuleValidator.AgentDownMetric,
        Summary = "{agent_name} silent for {value}s",
    };

    private static CompiledRuleSet Rules(params AlertRule[] rules) => CompiledRuleSet.From(rules);

    private void Sample(CompiledRuleSet rules, double cpu, DateTimeOffset now) => SampleSeries(rules, new() { ["cpu_percent"] = cpu }, now);

    private void SampleSeries(CompiledRuleSet rules, Dictionary<string, double> values, DateTimeOffset now) =>
        _evaluator.OnSample(rules, Agent, AgentName, values, now);

    private void GoDownAndUp(CompiledRuleSet rules, DateTimeOffset down)
    {
        _evaluator.OnDown(rules, Agent, AgentName, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), down);
        _evaluator.OnUp(Agent, down.AddMinutes(1));
        _evaluator.TakeEvents();
    }

    private string[] Transitions() => [.. _evaluator.TakeEvents().Select(e => $"{e.From}>{e.To}")];

    private AlertInstance Single() => Assert.Single(_evaluator.State.Alerts.Values);

    private AlertInstance Alert(string ruleId, string series) => _evaluator.State.Alerts[AlertInstance.Key(ruleId, series)];
}
