using Microsoft.Extensions.Time.Testing;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Ingest;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;

namespace Monitoring.Tests.Ingest;

/// <summary>
/// One agent's alerting as its grain drives it, without a grain: samples and ticks in, notifications, transitions and the
/// timer's next deadline out, on a fake clock.
/// </summary>
public sealed class AgentAlertingTests
{
    private static readonly CompiledRuleSet Rules = CompiledRuleSet.From(
    [
        new AlertRule { Id = "cpu-high", Name = "CPU high", Metric = MetricSeries.CpuPercent, Comparator = ">", Threshold = 90, Severity = "critical" },
        new AlertRule { Id = "cpu-slow", Name = "CPU slowly high", Metric = MetricSeries.CpuPercent, Comparator = ">", Threshold = 90, For = "10m" },
        new AlertRule { Id = "agent-down", Name = "Agent down", Metric = AlertRuleValidator.AgentDownMetric },
    ]);

    private const string Agent = "web-01";
    private const string AgentName = "web server";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AgentAlertState _state = new();
    private readonly AgentAlerting _alerting;

    public AgentAlertingTests() => _alerting = new AgentAlerting(
        _state,
        new AlertingOptions(),
        new NotificationOptions { Receivers = [new ReceiverOptions { Name = "ops", Url = "http://ops.test" }] });

    [Fact]
    public void Breaching_sample_fires_plans_its_notification_and_asks_to_persist_once()
    {
        Sample(cpu: 95);

        var changes = _alerting.Take(Rules, Agent, Now);
        var again = _alerting.Take(Rules, Agent, Now);

        var notification = Assert.Single(changes.Due);
        Assert.Equal(("firing", "cpu-high"), (notification.Status, notification.Alert.RuleId));
        Assert.Equal(["cpu-high inactive>firing", "cpu-slow inactive>pending"], changes.Events.Select(e => $"{e.RuleId} {e.From}>{e.To}"));
        Assert.True(changes.Persist);
        Assert.Empty(again.Due);
        Assert.Empty(again.Events);
        Assert.False(again.Persist);
    }

    [Fact]
    public void Backfilled_sample_only_brings_a_down_agent_back_up()
    {
        var liveness = Watched();
        _clock.Advance(liveness.DownAfter + TimeSpan.FromMilliseconds(1));
        _alerting.OnTick(Rules, Agent, AgentName, liveness, Now);
        _alerting.Take(Rules, Agent, Now);

        _clock.Advance(TimeSpan.FromMinutes(1));
        _alerting.OnSeen(Agent, Now);

        Assert.False(_alerting.IsDown);
        Assert.Equal(["agent-down firing>resolved"], _alerting.Take(Rules, Agent, Now).Events.Select(e => $"{e.RuleId} {e.From}>{e.To}"));
        _alerting.OnSeen(Agent, Now);
        Assert.False(_alerting.Take(Rules, Agent, Now).Persist);
    }

    [Fact]
    public void Agent_down_fires_on_the_first_tick_past_the_liveness_deadline_and_not_before()
    {
        var liveness = Watched();
        Assert.Equal(liveness.Deadline, _alerting.NextDeadline(Rules, Agent, liveness, Now));

        _clock.Advance(liveness.DownAfter);
        _alerting.OnTick(Rules, Agent, AgentName, liveness, Now);
        Assert.False(_alerting.IsDown);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _alerting.OnTick(Rules, Agent, AgentName, liveness, Now);

        Assert.True(_alerting.IsDown);
        var down = Assert.Single(_alerting.Take(Rules, Agent, Now).Events);
        Assert.Equal(("agent-down", "firing", 180.0), (down.RuleId, down.To, down.Threshold));
        Assert.Equal(Now + new NotificationOptions().RepeatInterval, _alerting.NextDeadline(Rules, Agent, liveness, Now));
    }

    [Fact]
    public void Agent_never_registered_is_never_down_and_needs_no_timer()
    {
        _clock.Advance(TimeSpan.FromDays(1));
        _alerting.OnTick(Rules, Agent, AgentName, liveness: null, Now);

        Assert.False(_alerting.IsDown);
        Assert.Null(_alerting.NextDeadline(Rules, Agent, liveness: null, Now));
    }

    [Fact]
    public void Next_deadline_is_the_earliest_of_a_pending_for_a_reminder_and_liveness()
    {
        var liveness = Watched();
        Sample(cpu: 95);
        _alerting.Take(Rules, Agent, Now);

        Assert.Equal(liveness.Deadline, _alerting.NextDeadline(Rules, Agent, liveness, Now));
        Assert.Equal(Now.AddMinutes(10), _alerting.NextDeadline(Rules, Agent, liveness: null, Now));
        Assert.Equal(Now, _alerting.NextDeadline(rules: null, Agent, liveness: null, Now));
    }

    [Fact]
    public void Acknowledged_alert_is_listed_as_acknowledged_and_an_inactive_one_cannot_be()
    {
        Sample(cpu: 95);
        var firing = _state.Alerts.Values.Single(a => a.RuleId == "cpu-high");

        var acknowledged = _alerting.Acknowledge(firing.Id, new Acknowledgement { By = "ops", ExpiresAt = Now.AddHours(1) }, Now);

        Assert.NotNull(acknowledged);
        Assert.Same(firing, acknowledged);
        Assert.Equal(("ops", Now), (acknowledged.Acknowledged!.By, acknowledged.Acknowledged.At));
        Assert.Equal("critical", acknowledged.AcknowledgedSeverity);
        Assert.Null(_alerting.Acknowledge("no-such-alert", new Acknowledgement { By = "ops" }, Now));
        Assert.Equal(["cpu-high firing", "cpu-slow pending"], _alerting.List(Rules, Agent, Now).Alerts.Select(a => $"{a.RuleId} {a.State}"));
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>A registered agent whose grain began watching now, with the default interval and threshold.</summary>
    private LivenessClock Watched() => new(Now.AddHours(-1), Now, AgentLiveness.DefaultIntervalSeconds, AgentLiveness.MissedIntervalsBeforeDown);

    private void Sample(double cpu)
    {
        var sample = Samples.Sample(Agent, Now, cpu);
        _alerting.OnSample(Rules, Agent, AgentName, sample, MetricSeries.Detail(sample), Now);
    }
}
