using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>The default <c>mount_fills</c> forecast through real samples, the agent grain, its alert state, the alert history and the webhook.</summary>
[Collection(AlertingCollection.Name)]
public sealed class ForecastAlertTests(AlertingClusterFixture fixture)
{
    [Fact]
    public async Task A_rising_mount_fires_mount_fills_with_the_predicted_crossing_and_a_flat_mount_at_91_percent_does_not()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(DefaultRules.All.Single(r => r.Id == "mount_fills") with
        {
            Id = $"mount_fills-{Guid.NewGuid():N}",
            Scope = new AlertScope { AgentIds = [agent] },
        });
        var grain = fixture.Grains.GetAgentGrain(agent);
        var start = AlertingClusterFixture.Clock.GetUtcNow();

        for (var minute = 0; minute <= 90; minute += 10)
        {
            var sample = Samples.Sample(agent, AlertingClusterFixture.Clock.GetUtcNow());
            await grain.Report(sample with
            {
                IntervalSeconds = 600,
                System = sample.System! with
                {
                    Disks =
                    [
                        new MountMetrics { Mount = "/", Percent = 91 },
                        new MountMetrics { Mount = "/data", Percent = 60 + minute / 10.0 },
                    ],
                },
            });
            AlertingClusterFixture.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var alerts = (await grain.GetAlerts()).Alerts.Where(a => a.RuleId == rule.Id).ToList();

        var fills = Assert.Single(alerts);
        Assert.Equal(("disk[/data].percent", "firing", 69.0), (fills.Series, fills.State, fills.Value));
        Assert.Equal(start.AddMinutes(400), fills.PredictedAt!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal($"host {agent} disk[/data].percent at 69% is full in 5 h", fills.Summary);
        Assert.Equal(["inactive>firing"], fixture.Transitions(fills.Id));
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Sink.For(fills.Id).Count >= 1), $"the webhook was told of {fills.Id}");
        var told = fixture.Sink.For(fills.Id)[0];
        Assert.Equal(("firing", fills.PredictedAt), (told.Status, told.Alert.PredictedAt));
    }
}
