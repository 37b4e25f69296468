using Microsoft.Extensions.Logging.Testing;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Orleans.TestingHost;
using System.Net.Http.Json;

namespace Monitoring.Tests.Alerts;

/// <summary>Every state transition, driven by real samples and the grains' real timers on a fake clock.</summary>
[Collection(AlertingCollection.Name)]
public sealed class AlertLifecycleTests(AlertingClusterFixture fixture)
{
    [Fact]
    public async Task A_for_zero_rule_fires_on_the_first_breaching_sample_and_resolves_when_it_clears()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));

        await fixture.ReportAsync(agent, cpu: 50);
        Assert.Null(await fixture.AlertAsync(agent, rule.Id!));

        await fixture.ReportAsync(agent, cpu: 95);
        var firing = await fixture.AlertAsync(agent, rule.Id!);
        Assert.Equal("firing", firing!.State);
        Assert.Equal($"host {agent} at 95", firing.Summary);
        Assert.Equal("cpu_percent", firing.Series);

        await fixture.ReportAsync(agent, cpu: 40);
        var resolved = await fixture.AlertAsync(agent, rule.Id!);
        Assert.Equal("resolved", resolved!.State);
        Assert.Equal(["inactive>firing", "firing>resolved"], fixture.Transitions(firing.Id));
    }

    [Fact]
    public async Task A_rule_with_for_is_pending_then_fires_by_timer_without_another_sample()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, forDuration: "5m"));

        for (var minute = 0; minute < 4; minute++)
        {
            await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromMinutes(1));
        }

        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromSeconds(59));
        Assert.Equal("pending", await fixture.StateAsync(agent, rule.Id!));

        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));

        await fixture.StateBecomesAsync(agent, rule.Id!, "firing");
        var alert = await fixture.AlertAsync(agent, rule.Id!);
        Assert.Equal(["inactive>pending", "pending>firing"], fixture.Transitions(alert!.Id));
    }

    [Fact]
    public async Task A_pending_alert_whose_condition_clears_goes_back_to_inactive()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, forDuration: "5m"));

        await fixture.ReportAsync(agent, cpu: 95);
        var pending = await fixture.AlertAsync(agent, rule.Id!);
        await fixture.ReportAsync(agent, cpu: 10, then: TimeSpan.FromMinutes(10));

        Assert.Null(await fixture.AlertAsync(agent, rule.Id!));
        Assert.Equal(["inactive>pending", "pending>inactive"], fixture.Transitions(pending!.Id));
    }

    [Fact]
    public async Task Hysteresis_keeps_the_alert_firing_until_the_value_is_below_the_recovery_threshold()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent) with { RecoveryThreshold = 80 });

        await fixture.ReportAsync(agent, cpu: 91);
        await fixture.ReportAsync(agent, cpu: 85);
        Assert.Equal("firing", await fixture.StateAsync(agent, rule.Id!));
        await fixture.ReportAsync(agent, cpu: 80);
        Assert.Equal("firing", await fixture.StateAsync(agent, rule.Id!));

        await fixture.ReportAsync(agent, cpu: 79.9);

        Assert.Equal("resolved", await fixture.StateAsync(agent, rule.Id!));
    }

    [Fact]
    public async Task Keep_firing_for_holds_a_cleared_alert_firing_then_the_timer_resolves_it()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent) with { KeepFiringFor = "2m" });

        await fixture.ReportAsync(agent, cpu: 95);
        await fixture.ReportAsync(agent, cpu: 20, then: TimeSpan.FromSeconds(90));
        Assert.Equal("firing", await fixture.StateAsync(agent, rule.Id!));

        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(30));

        await fixture.StateBecomesAsync(agent, rule.Id!, "resolved");
    }

    [Fact]
    public async Task A_breach_during_keep_firing_for_keeps_the_alert_firing_with_one_firing_transition()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent) with { KeepFiringFor = "2m" });

        await fixture.ReportAsync(agent, cpu: 95);
        await fixture.ReportAsync(agent, cpu: 20, then: TimeSpan.FromSeconds(90));
        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromSeconds(90));
        await fixture.ReportAsync(agent, cpu: 96);

        var alert = await fixture.AlertAsync(agent, rule.Id!);
        Assert.Equal("firing", alert!.State);
        Assert.Equal(["inactive>firing"], fixture.Transitions(alert.Id));
    }

    [Fact]
    public async Task An_alert_that_changes_too_often_is_marked_flapping_and_calms_down_when_stable()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));

        foreach (var cpu in new[] { 95.0, 10, 95, 10 })
        {
            await fixture.ReportAsync(agent, cpu);
            Assert.False((await fixture.AlertAsync(agent, rule.Id!))!.Flapping);
        }

        await fixture.ReportAsync(agent, cpu: 95);
        var flapping = await fixture.AlertAsync(agent, rule.Id!);
        Assert.True(flapping!.Flapping);

        await fixture.ReportAsync(agent, cpu: 10, then: TimeSpan.FromMinutes(11));
        await fixture.ReportAsync(agent, cpu: 10);
        Assert.False((await fixture.AlertAsync(agent, rule.Id!))!.Flapping);
    }

    [Fact]
    public async Task A_silent_agent_is_late_then_down_its_alerts_unknown_never_resolved_and_recover_with_its_next_sample()
    {
        var agent = Samples.NewAgentId();
        var cpu = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var down = await fixture.AddRuleAsync(new AlertRule
        {
            Id = $"down-{Guid.NewGuid():N}",
            Name = "down",
            Metric = AlertRuleValidator.AgentDownMetric,
            Severity = "critical",
            Scope = new AlertScope { AgentIds = [agent] },
        });
        var grain = fixture.Grains.GetAgentGrain(agent);

        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromSeconds(100));
        Assert.Equal("late", (await grain.GetSummary())!.Status);
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(81));

        await fixture.StateBecomesAsync(agent, down.Id!, "firing");
        Assert.Equal("unknown", await fixture.StateAsync(agent, cpu.Id!));
        Assert.Equal("down", (await grain.GetSummary())!.Status);
        var downAlert = await fixture.AlertAsync(agent, down.Id!);
        Assert.Equal("critical", downAlert!.Severity);
        Assert.Equal(181, downAlert.Value);

        await fixture.ReportAsync(agent, cpu: 97);

        Assert.Equal("resolved", await fixture.StateAsync(agent, down.Id!));
        var back = await fixture.AlertAsync(agent, cpu.Id!);
        Assert.Equal("firing", back!.State);
        Assert.Equal(["inactive>firing", "firing>unknown", "unknown>firing"], fixture.Transitions(back.Id));
        Assert.Equal("up", (await grain.GetSummary())!.Status);
    }

    [Fact]
    public async Task An_agent_that_was_down_and_comes_back_clear_resolves_its_unknown_alerts()
    {
        var agent = Samples.NewAgentId();
        var cpu = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));

        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromMinutes(4));
        await fixture.StateBecomesAsync(agent, cpu.Id!, "unknown");

        await fixture.ReportAsync(agent, cpu: 5);

        Assert.Equal("resolved", await fixture.StateAsync(agent, cpu.Id!));
    }

    [Fact]
    public async Task A_pending_alert_of_a_down_agent_is_unknown_then_inactive_when_its_agent_returns_clear()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, forDuration: "10m"));

        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromMinutes(4));
        await fixture.StateBecomesAsync(agent, rule.Id!, "unknown");
        var alertId = (await fixture.AlertAsync(agent, rule.Id!))!.Id;
        await fixture.ReportAsync(agent, cpu: 5);

        Assert.Null(await fixture.AlertAsync(agent, rule.Id!));
        Assert.Equal(["inactive>pending", "pending>unknown", "unknown>inactive"], fixture.Transitions(alertId));
    }

    [Fact]
    public async Task Firing_alerts_survive_reactivation_without_a_new_firing_transition_and_liveness_gets_a_grace_period()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromSeconds(30));
        var before = await fixture.AlertAsync(agent, rule.Id!);

        await fixture.DeactivateAllAsync();
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var after = await fixture.AlertAsync(agent, rule.Id!);
        await fixture.ReportAsync(agent, cpu: 96);

        Assert.Equal("firing", after!.State);
        Assert.Equal(before!.FiredAt, after.FiredAt);
        Assert.Equal(["inactive>firing"], fixture.Transitions(before.Id));

        // Silent for 2.5 min before and after the reactivation, but within three intervals of it: not down yet.
        var silent = Samples.NewAgentId();
        var silentRule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(silent));
        await fixture.ReportAsync(silent, cpu: 95, then: TimeSpan.FromSeconds(150));
        await fixture.DeactivateAllAsync();
        await fixture.Grains.GetAgentGrain(silent).Watch();
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(150));
        Assert.Equal("firing", await fixture.StateAsync(silent, silentRule.Id!));
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(31));
        await fixture.StateBecomesAsync(silent, silentRule.Id!, "unknown");
    }

    [Fact]
    public async Task A_starting_silo_watches_known_agents_so_one_that_stays_silent_is_noticed()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        await fixture.ReportAsync(agent, cpu: 95);
        var alertId = (await fixture.AlertAsync(agent, rule.Id!))!.Id;
        await fixture.DeactivateAllAsync();

        // Nothing calls the agent's grain from here on: only the new silo's start-up sweep can activate it.
        var silo = await fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            // The sweep logs once every known agent's grain has activated, so each counts its grace period from before the clock moves.
            var sweep = ((InProcessSiloHandle)silo).SiloHost.Services.GetFakeLogCollector();
            await Eventually.TrueAsync(() => Task.FromResult(sweep.GetSnapshot().Any(r => r.Message.StartsWith("Watching the liveness of", StringComparison.Ordinal))),
                "the new silo's sweep activated every known agent");
            AlertingClusterFixture.Clock.Advance(TimeSpan.FromMinutes(4));

            await Eventually.TrueAsync(() => Task.FromResult(fixture.Transitions(alertId).Contains("firing>unknown")), "the silent agent's alert is unknown");
        }
        finally
        {
            await fixture.Cluster.StopSiloAsync(silo, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_glob_scope_and_a_glob_metric_raise_one_alert_per_matching_series()
    {
        var agent = $"glob-{Guid.NewGuid():N}";
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "disk[*].percent", threshold: 90) with
        {
            Scope = new AlertScope { Match = "GLOB-*" },
            Summary = "{agent_name} {metric} at {value}%",
        });

        await fixture.Grains.GetAgentGrain(agent).Report(Samples.Detailed(agent, AlertingClusterFixture.Clock.GetUtcNow()));

        var alerts = (await fixture.Grains.GetAgentGrain(agent).GetAlerts()).Alerts.Where(a => a.RuleId == rule.Id).ToList();
        var home = Assert.Single(alerts);
        Assert.Equal("disk[/home].percent", home.Series);
        Assert.Equal($"host {agent} disk[/home].percent at 95%", home.Summary);
        Assert.StartsWith($"{agent}~{rule.Id}~", home.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_seeded_from_the_configured_rules_file_replace_the_defaults()
    {
        var rules = await fixture.Grains.GetGrain<IAlertRuleSetGrain>(0).GetRules();

        Assert.Contains(rules.Rules, r => r.Id == AlertingClusterFixture.SeededRuleId && r.Metric == "swap.percent");
        Assert.DoesNotContain(rules.Rules, r => r.Id == "cpu_high");
    }

    [Fact]
    public async Task Alerts_and_their_history_are_served_over_http()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var from = AlertingClusterFixture.Clock.GetUtcNow();
        await fixture.ReportAsync(agent, cpu: 95);
        var http = fixture.Api.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var mine = await http.GetFromJsonAsync($"/api/v1/alerts?state=firing&agent_id={agent}", MonitoringJsonContext.Default.AlertList, ct);
        var fleet = await http.GetFromJsonAsync("/api/v1/alerts?state=firing", MonitoringJsonContext.Default.AlertList, ct);
        var none = await http.GetFromJsonAsync($"/api/v1/alerts?state=pending&agent_id={agent}", MonitoringJsonContext.Default.AlertList, ct);
        var history = await http.GetFromJsonAsync(
            $"/api/v1/alerts/history?from={Uri.EscapeDataString(from.AddSeconds(-1).ToString("O"))}&to={Uri.EscapeDataString(from.AddMinutes(1).ToString("O"))}&agent_id={agent}",
            MonitoringJsonContext.Default.AlertHistory, ct);
        var bad = await http.GetAsync("/api/v1/alerts?state=sideways", ct);

        Assert.Equal(rule.Id, Assert.Single(mine!.Alerts).RuleId);
        Assert.Contains(fleet!.Alerts, a => a.AgentId == agent && a.RuleId == rule.Id && a.State == "firing");
        Assert.Empty(none!.Alerts);
        var transition = Assert.Single(history!.Events);
        Assert.Equal(("inactive", "firing", 95.0), (transition.From, transition.To, transition.Value));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
