using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Notifications;

namespace Monitoring.Tests.Alerts;

/// <summary>Which notifications an agent's alerts are due, planned from the alert state alone; no cluster, no receivers called.</summary>
public sealed class NotificationPlannerTests
{
    private const string Agent = "web-01";
    private const string AlertId = "web-01~cpu-high~0a1b2c3d";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Repeat = TimeSpan.FromHours(4);
    private static readonly TimeSpan Resend = TimeSpan.FromMinutes(1);
    private static readonly CompiledRuleSet NoSilences = new(0, [], []);

    private readonly AgentAlertState _state = new();

    [Fact]
    public void Firing_alert_is_notified_once_with_its_transition()
    {
        var alert = Add(Firing());
        var planner = Planner(ReceiverOptions.Webhook);

        var notification = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0.AddSeconds(5), out var changed));

        Assert.True(changed);
        Assert.Equal($"{AlertId}~1~firing", notification.Id);
        Assert.Equal("firing", notification.Status);
        Assert.False(notification.Repeat);
        Assert.False(notification.AlertmanagerOnly);
        Assert.Equal(new AlertTransition("pending", "firing", T0), notification.Transition);
        Assert.Equal(T0.AddSeconds(5), notification.At);
        Assert.Equal(AlertId, notification.Alert.Id);
        Assert.Equal(Agent, notification.Alert.AgentId);
        Assert.Equal("firing", notification.Alert.State);
        Assert.Equal(95, notification.Alert.Value);
        Assert.Equal("firing", alert.NotifiedState);
        Assert.Equal(T0.AddSeconds(5), alert.NotifiedAt);
        Assert.Equal(T0.AddSeconds(5), alert.ResentAt);
        Assert.Equal(1, alert.NotifiedSequence);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0.AddMinutes(1), out changed));
        Assert.False(changed);
    }

    [Fact]
    public void Without_receivers_nothing_is_planned_and_nothing_is_due()
    {
        var alert = Add(Firing());
        var planner = Planner();

        Assert.False(planner.HasReceivers);
        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0, out var changed));
        Assert.False(changed);
        Assert.Null(alert.NotifiedState);
        Assert.Null(planner.NextDeadline(_state, NoSilences, Agent, T0));
    }

    [Fact]
    public void Firing_alert_is_reminded_every_repeat_interval()
    {
        var alert = Add(Firing(notifiedAt: T0));
        var planner = Planner(ReceiverOptions.Webhook);
        Assert.Equal(T0 + Repeat, planner.NextDeadline(_state, NoSilences, Agent, T0));

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + Repeat - TimeSpan.FromTicks(1), out _));
        var reminder = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0 + Repeat, out var changed));

        Assert.True(changed);
        Assert.True(reminder.Repeat);
        Assert.False(reminder.AlertmanagerOnly);
        Assert.Equal("firing", reminder.Status);
        Assert.Null(reminder.Transition);
        Assert.Equal($"{AlertId}~1~firing~{(T0 + Repeat).ToUnixTimeMilliseconds()}", reminder.Id);
        Assert.Equal(1, alert.NotifiedSequence);
        Assert.Equal(T0 + Repeat, alert.NotifiedAt);
        Assert.Equal(T0 + Repeat + Repeat, planner.NextDeadline(_state, NoSilences, Agent, T0 + Repeat));
    }

    [Fact]
    public void Acknowledged_firing_alert_gets_no_reminders()
    {
        Add(Firing(notifiedAt: T0, acknowledged: new Acknowledgement { By = "ops" }, acknowledgedSeverity: "critical"));
        var planner = Planner(ReceiverOptions.Webhook);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + 3 * Repeat, out var changed));
        Assert.False(changed);
        Assert.Null(planner.NextDeadline(_state, NoSilences, Agent, T0));
    }

    [Fact]
    public void Expired_acknowledgement_is_dropped_and_notifies_again_at_once()
    {
        var expires = T0.AddHours(1);
        var alert = Add(Firing(notifiedAt: T0, acknowledged: new Acknowledgement { By = "ops", ExpiresAt = expires }, acknowledgedSeverity: "critical"));
        var planner = Planner(ReceiverOptions.Webhook);
        Assert.Equal(expires, planner.NextDeadline(_state, NoSilences, Agent, T0));
        Assert.Empty(planner.Plan(_state, NoSilences, Agent, expires - TimeSpan.FromTicks(1), out _));

        var reminder = Assert.Single(planner.Plan(_state, NoSilences, Agent, expires, out var changed));

        Assert.True(changed);
        Assert.True(reminder.Repeat);
        Assert.Null(alert.Acknowledged);
        Assert.Null(alert.AcknowledgedSeverity);
        Assert.Equal(expires, alert.NotifiedAt);
    }

    [Theory]
    [InlineData("critical", "warning", true)]
    [InlineData("warning", null, true)]
    [InlineData("warning", "warning", false)]
    [InlineData("warning", "critical", false)]
    public void Acknowledgement_holds_unless_the_severity_got_worse(string severity, string? acknowledgedSeverity, bool notifies)
    {
        var alert = Add(Firing(severity: severity, notifiedAt: T0, acknowledged: new Acknowledgement { By = "ops" }, acknowledgedSeverity: acknowledgedSeverity));
        var planner = Planner(ReceiverOptions.Webhook);

        var due = planner.Plan(_state, NoSilences, Agent, T0.AddMinutes(1), out var changed);

        Assert.Equal(notifies, changed);
        Assert.Equal(notifies ? 1 : 0, due.Count);
        Assert.Equal(notifies, alert.Acknowledged is null);
    }

    [Fact]
    public void Resolved_alert_that_was_notified_firing_gets_one_resolved_notice()
    {
        var alert = Add(Firing(notifiedAt: T0));
        alert.State = AlertState.Resolved;
        alert.StateSince = T0.AddMinutes(10);
        alert.ResolvedAt = T0.AddMinutes(10);
        var planner = Planner(ReceiverOptions.Webhook);

        var notice = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0.AddMinutes(10), out var changed));

        Assert.True(changed);
        Assert.Equal($"{AlertId}~2~resolved", notice.Id);
        Assert.Equal("resolved", notice.Status);
        Assert.False(notice.Repeat);
        Assert.False(notice.AlertmanagerOnly);
        Assert.Equal(new AlertTransition("firing", "resolved", T0.AddMinutes(10)), notice.Transition);
        Assert.Equal("resolved", notice.Alert.State);
        Assert.Equal("resolved", alert.NotifiedState);
        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + Repeat + Repeat, out _));
        Assert.Null(planner.NextDeadline(_state, NoSilences, Agent, T0.AddMinutes(10)));
    }

    [Fact]
    public void Resolved_alert_never_notified_as_firing_gets_no_resolved_notice()
    {
        var alert = Add(Firing());
        alert.State = AlertState.Resolved;
        var planner = Planner(ReceiverOptions.Webhook);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0, out var changed));
        Assert.False(changed);
    }

    [Theory]
    [InlineData(AlertState.Pending)]
    [InlineData(AlertState.Unknown)]
    [InlineData(AlertState.Inactive)]
    public void Alert_that_is_not_firing_or_resolved_is_not_notified(AlertState state)
    {
        var alert = Add(Firing(notifiedAt: T0));
        alert.State = state;
        var planner = Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + Repeat, out _));
        Assert.Null(planner.NextDeadline(_state, NoSilences, Agent, T0));
    }

    [Fact]
    public void Flapping_alert_is_not_notified_until_it_calms_down()
    {
        var alert = Add(Firing());
        alert.Flapping = true;
        var planner = Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0, out _));
        alert.Flapping = false;

        var notification = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0.AddMinutes(1), out _));
        Assert.False(notification.Repeat);
    }

    [Fact]
    public void Flapping_alert_has_no_reminder_deadline()
    {
        var alert = Add(Firing(notifiedAt: T0));
        alert.Flapping = true;

        Assert.Null(Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager).NextDeadline(_state, NoSilences, Agent, T0));
    }

    [Theory]
    [InlineData("cpu-*", null, null, true)]
    [InlineData("mem-*", null, null, false)]
    [InlineData(null, "WEB-??", null, true)]
    [InlineData(null, "db-*", null, false)]
    [InlineData(null, null, "ops", true)]
    [InlineData(null, null, "dba", false)]
    [InlineData("cpu-high", "web-01", "dba", false)]
    public void Alert_matched_by_a_silence_is_not_notified(string? ruleId, string? agentId, string? team, bool silenced)
    {
        Add(Firing());
        var silence = new Silence
        {
            Matchers = new SilenceMatchers { RuleId = ruleId, AgentId = agentId, Labels = team is null ? null : new Dictionary<string, string> { ["team"] = team } },
        };
        var planner = Planner(ReceiverOptions.Webhook);

        var due = planner.Plan(_state, Silences(silence), Agent, T0, out _);

        Assert.Equal(silenced ? 0 : 1, due.Count);
    }

    [Theory]
    [InlineData(59.999, false)]
    [InlineData(60, true)]
    [InlineData(179.999, true)]
    [InlineData(180, false)]
    public void Silence_holds_notifications_only_from_its_start_until_its_end(double seconds, bool silenced)
    {
        Add(Firing());
        var rules = Silences(new Silence { Matchers = new SilenceMatchers { RuleId = "cpu-high" }, StartsAt = T0.AddMinutes(1), EndsAt = T0.AddMinutes(3) });
        var planner = Planner(ReceiverOptions.Webhook);

        var due = planner.Plan(_state, rules, Agent, T0.AddSeconds(seconds), out _);

        Assert.Equal(silenced ? 0 : 1, due.Count);
    }

    [Fact]
    public void Silenced_firing_alert_has_no_reminder_deadline()
    {
        Add(Firing(notifiedAt: T0));
        var rules = Silences(new Silence { Matchers = new SilenceMatchers { RuleId = "cpu-high" } });

        Assert.Null(Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager).NextDeadline(_state, rules, Agent, T0));
    }

    [Fact]
    public void Alertmanager_is_told_every_resend_interval_that_a_firing_alert_still_fires()
    {
        var alert = Add(Firing(notifiedAt: T0));
        var planner = Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager);
        Assert.Equal(T0 + Resend, planner.NextDeadline(_state, NoSilences, Agent, T0));
        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + Resend - TimeSpan.FromTicks(1), out _));

        var resend = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0 + Resend, out var changed));

        Assert.False(changed);
        Assert.True(resend.AlertmanagerOnly);
        Assert.True(resend.Repeat);
        Assert.Equal("firing", resend.Status);
        Assert.Null(resend.Transition);
        Assert.Equal($"{AlertId}~1~firing~{(T0 + Resend).ToUnixTimeMilliseconds()}", resend.Id);
        Assert.Equal(T0 + Resend, alert.ResentAt);
        Assert.Equal(T0, alert.NotifiedAt);
        Assert.Equal(T0 + Resend + Resend, planner.NextDeadline(_state, NoSilences, Agent, T0 + Resend));
    }

    [Fact]
    public void Acknowledged_alert_is_still_resent_to_alertmanager()
    {
        Add(Firing(notifiedAt: T0, acknowledged: new Acknowledgement { By = "ops" }, acknowledgedSeverity: "critical"));
        var planner = Planner(ReceiverOptions.Alertmanager);

        var resend = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0 + Resend, out _));

        Assert.True(resend.AlertmanagerOnly);
    }

    [Fact]
    public void Without_alertmanager_a_firing_alert_is_not_resent_between_reminders()
    {
        Add(Firing(notifiedAt: T0));
        var planner = Planner(ReceiverOptions.Webhook);

        Assert.Empty(planner.Plan(_state, NoSilences, Agent, T0 + Resend, out _));
        Assert.Equal(T0 + Repeat, planner.NextDeadline(_state, NoSilences, Agent, T0 + Resend));
    }

    [Fact]
    public void Reminder_due_with_a_resend_is_sent_once_to_every_receiver()
    {
        Add(Firing(notifiedAt: T0));
        var planner = Planner(ReceiverOptions.Webhook, ReceiverOptions.Alertmanager);

        var reminder = Assert.Single(planner.Plan(_state, NoSilences, Agent, T0 + Repeat, out _));

        Assert.False(reminder.AlertmanagerOnly);
    }

    [Fact]
    public void Next_deadline_is_the_earliest_over_all_alerts()
    {
        Add(Firing(notifiedAt: T0.AddHours(1)));
        var earlier = Firing(notifiedAt: T0);
        earlier.Id = "web-01~mem-high~00000000";
        earlier.RuleId = "mem-high";
        earlier.Series = "memory.percent";
        Add(earlier);
        var planner = Planner(ReceiverOptions.Webhook);

        Assert.Equal(T0 + Repeat, planner.NextDeadline(_state, NoSilences, Agent, T0.AddHours(1)));
    }

    private static AlertInstance Firing(
        string severity = "critical", DateTimeOffset? notifiedAt = null, Acknowledgement? acknowledged = null, string? acknowledgedSeverity = null) => new()
        {
            Id = AlertId,
            RuleId = "cpu-high",
            RuleName = "CPU high",
            Series = "cpu_percent",
            AgentName = "web server",
            State = AlertState.Firing,
            Severity = severity,
            Value = 95,
            Threshold = 90,
            Summary = "CPU high on web server",
            Labels = new Dictionary<string, string> { ["team"] = "ops" },
            StartedAt = T0,
            StateSince = T0,
            FiredAt = T0,
            NotifiedState = notifiedAt is null ? null : "firing",
            NotifiedAt = notifiedAt,
            ResentAt = notifiedAt,
            NotifiedSequence = notifiedAt is null ? 0 : 1,
            Acknowledged = acknowledged,
            AcknowledgedSeverity = acknowledgedSeverity,
        };

    private AlertInstance Add(AlertInstance alert)
    {
        _state.Alerts[AlertInstance.Key(alert.RuleId, alert.Series)] = alert;
        return alert;
    }

    private static NotificationPlanner Planner(params string[] receiverTypes) => new(new NotificationOptions
    {
        RepeatInterval = Repeat,
        AlertmanagerResendInterval = Resend,
        Receivers = [.. receiverTypes.Select(type => new ReceiverOptions { Name = type, Type = type, Url = $"http://{type}.test" })],
    });

    private static CompiledRuleSet Silences(params Silence[] silences) => new(0, [], [.. silences.Select(s => new CompiledSilence(s))]);
}
