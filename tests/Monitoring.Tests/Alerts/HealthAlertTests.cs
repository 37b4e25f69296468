using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>The default disk and service rules, through real samples, the agent grain and its alert evaluation.</summary>
[Collection(AlertingCollection.Name)]
public sealed class HealthAlertTests(AlertingClusterFixture fixture)
{
    [Fact]
    public async Task Default_rules_fire_for_a_failing_disk_a_degraded_array_and_a_failed_unit_and_resolve_as_each_recovers()
    {
        var agent = Samples.NewAgentId();
        var disk = await DefaultRuleAsync("disk_failing", agent);
        var raid = await DefaultRuleAsync("raid_degraded", agent);
        var service = await DefaultRuleAsync("service_failed", agent);
        var grain = fixture.Grains.GetAgentGrain(agent);

        await grain.Report(HealthSamples.With(Samples.Sample(agent, AlertingClusterFixture.Clock.GetUtcNow()), diskFailing: true, serviceFailed: true));
        var firing = (await grain.GetAlerts()).Alerts;
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromSeconds(10));
        await grain.Report(HealthSamples.With(Samples.Sample(agent, AlertingClusterFixture.Clock.GetUtcNow())));
        var after = (await grain.GetAlerts()).Alerts;

        var failingDisk = Assert.Single(firing, alert => alert.RuleId == disk.Id);
        Assert.Equal(("firing", "smart[sda].healthy", "critical"), (failingDisk.State, failingDisk.Series, failingDisk.Severity));
        Assert.Equal($"host {agent} smart[sda].healthy: the disk failed its S.M.A.R.T. self-assessment", failingDisk.Summary);
        var array = Assert.Single(firing, alert => alert.RuleId == raid.Id);
        Assert.Equal(("firing", "raid[md0].degraded"), (array.State, array.Series));
        var unit = Assert.Single(firing, alert => alert.RuleId == service.Id);
        Assert.Equal(("firing", "service[backup.service].failed"), (unit.State, unit.Series));
        Assert.Equal("resolved", Assert.Single(after, alert => alert.RuleId == disk.Id).State);
        Assert.Equal("resolved", Assert.Single(after, alert => alert.RuleId == service.Id).State);
        Assert.Equal("firing", Assert.Single(after, alert => alert.RuleId == raid.Id).State);
    }

    [Fact]
    public async Task A_rule_on_every_units_active_flag_fires_for_each_unit_that_stopped()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "service[*].active", threshold: 1) with { Comparator = "<" });

        await fixture.Grains.GetAgentGrain(agent).Report(HealthSamples.With(Samples.Sample(agent, AlertingClusterFixture.Clock.GetUtcNow()), serviceFailed: true));

        var alert = Assert.Single((await fixture.Grains.GetAgentGrain(agent).GetAlerts()).Alerts, a => a.RuleId == rule.Id);
        Assert.Equal(("firing", "service[backup.service].active", 0.0), (alert.State, alert.Series, alert.Value));
    }

    /// <summary>The shipped default rule, only renamed and scoped to this test's agent so other tests' agents cannot trip it.</summary>
    private Task<AlertRule> DefaultRuleAsync(string id, string agent) =>
        fixture.AddRuleAsync(DefaultRules.All.Single(rule => rule.Id == id) with { Id = $"{id}-{Guid.NewGuid():N}", Scope = new AlertScope { AgentIds = [agent] } });
}
