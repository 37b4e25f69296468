using System.Net;
using System.Net.Http.Json;
using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Tests.Alerts;

/// <summary>Notifications to a real webhook receiver on loopback: once per state, no re-notify on restart, silences, acks, flapping, retries.</summary>
[Collection(AlertingCollection.Name)]
public sealed class NotificationTests(AlertingClusterFixture fixture)
{
    private WebhookSink Sink => fixture.Sink;

    [Fact]
    public async Task Firing_and_resolved_are_each_notified_once_with_the_documented_body()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent) with { Labels = new Dictionary<string, string> { ["team"] = "ops" } });

        await fixture.ReportAsync(agent, cpu: 95);
        var alertId = (await fixture.AlertAsync(agent, rule.Id!))!.Id;
        await Delivered(alertId, 1);
        await fixture.ReportAsync(agent, cpu: 96);
        await fixture.ReportAsync(agent, cpu: 10);
        await Delivered(alertId, 2);

        var (firing, resolved) = (Sink.For(alertId)[0], Sink.For(alertId)[1]);
        Assert.Equal(("firing", false, "sink", 95.0), (firing.Status, firing.Repeat, firing.Receiver, firing.Value));
        Assert.Equal(("pending", "firing"), (firing.Transition!.From, firing.Transition.To));
        Assert.Equal($"http://monitoring.example/api/v1/alerts?agent_id={agent}", firing.Link);
        Assert.Equal(("firing", "ops", rule.Id), (firing.Alert.State, firing.Alert.Labels["team"], firing.Alert.RuleId));
        Assert.Equal(("resolved", "resolved", 10.0), (resolved.Status, resolved.Alert.State, resolved.Value));
        Assert.NotEqual(firing.NotificationId, resolved.NotificationId);
    }

    [Fact]
    public async Task A_firing_alert_is_not_notified_again_after_its_grain_is_reactivated()
    {
        var agent = Samples.NewAgentId();
        var cpu = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        await fixture.ReportAsync(agent, cpu: 95);
        var alertId = (await fixture.AlertAsync(agent, cpu.Id!))!.Id;
        await Delivered(alertId, 1);

        await fixture.DeactivateAllAsync();
        var marker = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "memory.percent", threshold: 20));
        await fixture.ReportAsync(agent, cpu: 97);

        var markerId = (await fixture.AlertAsync(agent, marker.Id!))!.Id;
        await Delivered(markerId, 1);
        await fixture.NotificationsSettledAsync(agent);
        Assert.Single(Sink.For(alertId));
        Assert.Equal("firing", await fixture.StateAsync(agent, cpu.Id!));
    }

    [Fact]
    public async Task A_firing_alert_is_reminded_every_repeat_interval_until_acknowledged()
    {
        var agent = Samples.NewAgentId();
        var acked = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var other = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "memory.percent", threshold: 20));
        await fixture.ReportAsync(agent, cpu: 95);
        var ackedId = (await fixture.AlertAsync(agent, acked.Id!))!.Id;
        var otherId = (await fixture.AlertAsync(agent, other.Id!))!.Id;
        await Delivered(ackedId, 1);

        var http = fixture.Api.CreateClient();
        var ack = await http.PostAsJsonAsync($"/api/v1/alerts/{ackedId}/ack", new Acknowledgement { By = "alice", Comment = "on it" },
            MonitoringJsonContext.Default.Acknowledgement, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("alice", (await ack.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.AlertView, TestContext.Current.CancellationToken))!.Acknowledged!.By);
        for (var minute = 0; minute < 3; minute++)
        {
            await fixture.ReportAsync(agent, cpu: 95, then: TimeSpan.FromMinutes(1));
        }

        await Delivered(otherId, 2);
        Assert.True(Sink.For(otherId)[1].Repeat);
        await fixture.NotificationsSettledAsync(agent);
        Assert.Single(Sink.For(ackedId));
        Assert.Equal("alice", (await fixture.AlertAsync(agent, acked.Id!))!.Acknowledged!.By);
    }

    [Fact]
    public async Task An_acknowledged_alert_that_worsens_in_severity_notifies_again()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        await fixture.ReportAsync(agent, cpu: 95);
        var alert = (await fixture.AlertAsync(agent, rule.Id!))!;
        await Delivered(alert.Id, 1);
        Assert.NotNull(await fixture.Grains.GetAgentGrain(agent).Acknowledge(alert.Id, new Acknowledgement { By = "bob" }));

        var change = await fixture.Grains.GetGrain<Abstractions.Alerting.IAlertRuleSetGrain>(0).Replace(rule.Id!, rule with { Severity = "critical" });
        await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "swap.percent"));
        await fixture.ReportAsync(agent, cpu: 96);

        await Delivered(alert.Id, 2);
        Assert.Equal("critical", Sink.For(alert.Id)[1].Alert.Severity);
        Assert.True(change.Version > 0);
    }

    [Fact]
    public async Task Acknowledging_needs_who_and_an_active_alert()
    {
        var http = fixture.Api.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var nobody = await http.PostAsJsonAsync("/api/v1/alerts/a~b~c/ack", new Acknowledgement { Comment = "?" }, MonitoringJsonContext.Default.Acknowledgement, ct);
        var past = await http.PostAsJsonAsync("/api/v1/alerts/a~b~c/ack", new Acknowledgement { By = "x", ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1) }, MonitoringJsonContext.Default.Acknowledgement, ct);
        var unknown = await http.PostAsJsonAsync($"/api/v1/alerts/{Samples.NewAgentId()}~cpu_high~00000000/ack", new Acknowledgement { By = "x" }, MonitoringJsonContext.Default.Acknowledgement, ct);

        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.True((await nobody.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("errors").TryGetProperty("by", out _));
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.True((await past.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("errors").TryGetProperty("expires_at", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_silenced_alert_still_shows_but_notifies_nobody()
    {
        var agent = Samples.NewAgentId();
        var silenced = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent) with { Labels = new Dictionary<string, string> { ["team"] = "db" } });
        var marker = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "memory.percent", threshold: 20));
        var now = AlertingClusterFixture.Clock.GetUtcNow();
        await fixture.AddSilenceAsync(new Silence
        {
            Matchers = new SilenceMatchers { AgentId = agent, Labels = new Dictionary<string, string> { ["team"] = "db" } },
            StartsAt = now.AddMinutes(-1),
            EndsAt = now.AddHours(1),
            CreatedBy = "carol",
        });

        await fixture.ReportAsync(agent, cpu: 95);

        var markerId = (await fixture.AlertAsync(agent, marker.Id!))!.Id;
        await Delivered(markerId, 1);
        await fixture.NotificationsSettledAsync(agent);
        var shown = await fixture.AlertAsync(agent, silenced.Id!);
        Assert.Equal("firing", shown!.State);
        Assert.True(shown.Silenced);
        Assert.False((await fixture.AlertAsync(agent, marker.Id!))!.Silenced);
        Assert.Empty(Sink.For(shown.Id));
        var fleet = await fixture.Api.CreateClient().GetFromJsonAsync("/api/v1/alerts?state=firing", MonitoringJsonContext.Default.AlertList, TestContext.Current.CancellationToken);
        Assert.True(Assert.Single(fleet!.Alerts, a => a.Id == shown.Id).Silenced);
    }

    [Fact]
    public async Task Silences_are_created_listed_validated_and_deleted_over_http()
    {
        var http = fixture.Api.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var body = new Silence { Matchers = new SilenceMatchers { RuleId = "cpu_*" }, EndsAt = DateTimeOffset.UtcNow.AddDays(400), Comment = "maintenance" };

        var created = await http.PostAsJsonAsync("/api/v1/silences", body, MonitoringJsonContext.Default.Silence, ct);
        var silence = await created.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.Silence, ct);
        var listed = await http.GetFromJsonAsync("/api/v1/silences", MonitoringJsonContext.Default.SilenceList, ct);
        var noMatchers = await http.PostAsJsonAsync("/api/v1/silences", body with { Matchers = new SilenceMatchers() }, MonitoringJsonContext.Default.Silence, ct);
        var ended = await http.PostAsJsonAsync("/api/v1/silences", body with { EndsAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, MonitoringJsonContext.Default.Silence, ct);
        var deleted = await http.DeleteAsync($"/api/v1/silences/{silence!.Id}", ct);
        var again = await http.DeleteAsync($"/api/v1/silences/{silence.Id}", ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(listed!.Silences, s => s.Id == silence.Id && s.Comment == "maintenance" && s.StartsAt is not null);
        Assert.Equal(HttpStatusCode.BadRequest, noMatchers.StatusCode);
        Assert.True((await noMatchers.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("errors").TryGetProperty("matchers", out _));
        Assert.Equal(HttpStatusCode.BadRequest, ended.StatusCode);
        Assert.True((await ended.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("errors").TryGetProperty("ends_at", out _));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_flapping_alert_stops_notifying()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var marker = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent, metric: "memory.percent", threshold: 20) with { KeepFiringFor = "1h" });

        foreach (var cpu in new[] { 95.0, 10, 95, 10, 95, 10, 95 })
        {
            await fixture.ReportAsync(agent, cpu);
        }

        var alert = (await fixture.AlertAsync(agent, rule.Id!))!;
        Assert.True(alert.Flapping);
        await Delivered((await fixture.AlertAsync(agent, marker.Id!))!.Id, 1);
        await Delivered(alert.Id, 4);
        await fixture.NotificationsSettledAsync(agent);
        Assert.Equal(["firing", "firing", "resolved", "resolved"], Sink.For(alert.Id).Select(n => n.Status).Order());
    }

    [Fact]
    public async Task A_refused_delivery_is_retried_and_every_attempt_is_recorded()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var alertId = Abstractions.Alerting.AlertIds.For(agent, rule.Id!, "cpu_percent");
        Sink.Refuse(alertId, 2);
        using var meter = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(Silo.Notifications.NotificationTelemetry.Attempts);

        await fixture.ReportAsync(agent, cpu: 95);

        await Delivered(alertId, 1);
        var http = fixture.Api.CreateClient();
        NotificationList? attempts = null;
        await Eventually.TrueAsync(async () =>
        {
            attempts = await http.GetFromJsonAsync($"/api/v1/notifications?alert_id={alertId}", MonitoringJsonContext.Default.NotificationList, TestContext.Current.CancellationToken);
            return attempts!.Attempts.Count(a => a.Receiver == "sink") == 3;
        }, "three attempts are recorded");
        var sink = attempts!.Attempts.Where(a => a.Receiver == "sink").ToList();
        Assert.Equal([(1, "failed", 503), (2, "failed", 503), (3, "delivered", 200)],
            sink.OrderBy(a => a.Attempt).Select(a => (a.Attempt, a.Outcome, a.HttpStatus ?? 0)));
        Assert.All(sink, a => Assert.Equal("firing", a.Status));
        Assert.Single(sink.Select(a => a.NotificationId).Distinct());
        var measured = meter.GetMeasurementSnapshot().Where(m => (string?)m.Tags["receiver"] == "sink").ToList();
        Assert.True(measured.Count(m => (string?)m.Tags["outcome"] == "failed") >= 2);
        Assert.Contains(measured, m => (string?)m.Tags["outcome"] == "delivered");
    }

    private Task Delivered(string alertId, int count) =>
        Eventually.TrueAsync(() => Task.FromResult(Sink.For(alertId).Count >= count), $"{count} notifications about {alertId} arrived");
}
