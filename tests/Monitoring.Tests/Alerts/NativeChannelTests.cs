using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Tests.Alerts;

/// <summary>
/// Native receivers against stand-ins on loopback: Slack, Teams and PagerDuty incoming webhooks (each body checked
/// against the format the service documents) and an SMTP server that requires authentication.
/// </summary>
[Collection(AlertingCollection.Name)]
public sealed class NativeChannelTests(AlertingClusterFixture fixture)
{
    [Fact]
    public async Task Firing_then_resolved_reach_pagerduty_as_trigger_then_resolve_with_the_alert_id_as_dedup_key()
    {
        var (agent, alertId) = await FireAndResolveAsync();

        var events = await Posted("/pagerduty", alertId, 2);
        var (trigger, resolve) = (events[0], events[1]);
        Assert.Equal(("trigger", alertId, AlertingClusterFixture.PagerDutyKey), (Text(trigger, "event_action"), Text(trigger, "dedup_key"), Text(trigger, "routing_key")));
        Assert.Equal(("resolve", alertId, AlertingClusterFixture.PagerDutyKey), (Text(resolve, "event_action"), Text(resolve, "dedup_key"), Text(resolve, "routing_key")));
        var payload = trigger.GetProperty("payload");
        Assert.StartsWith("[FIRING] cpu_percent high on ", Text(payload, "summary"), StringComparison.Ordinal);
        Assert.InRange(Text(payload, "summary").Length, 1, 1024);
        Assert.Contains(Text(payload, "severity"), new[] { "critical", "error", "warning", "info" });
        Assert.False(string.IsNullOrEmpty(Text(payload, "source")));
        Assert.Equal(alertId, Text(payload.GetProperty("custom_details"), "Alert id"));
        Assert.Equal($"http://monitoring.example/api/v1/alerts?agent_id={agent}", Text(trigger.GetProperty("links")[0], "href"));
        Assert.False(resolve.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task Slack_gets_text_and_an_attachment_coloured_by_state_with_block_kit_fields()
    {
        var (agent, alertId) = await FireAndResolveAsync();

        var messages = await Posted("/slack", alertId, 2);
        Assert.Equal([("[FIRING]", "#e01e5a"), ("[RESOLVED]", "#2eb67d")],
            messages.Select(m => (Text(m, "text").Split(' ')[0], Text(m.GetProperty("attachments")[0], "color"))));
        var attachment = messages[0].GetProperty("attachments")[0];
        Assert.Equal(Text(messages[0], "text"), Text(attachment, "fallback"));
        var blocks = attachment.GetProperty("blocks");
        Assert.Equal(("section", "mrkdwn"), (Text(blocks[0], "type"), Text(blocks[0].GetProperty("text"), "type")));
        Assert.Contains($"<http://monitoring.example/api/v1/alerts?agent_id={agent}|", Text(blocks[0].GetProperty("text"), "text"), StringComparison.Ordinal);
        var fields = blocks[1].GetProperty("fields").EnumerateArray().ToList();
        Assert.InRange(fields.Count, 1, 10);
        Assert.All(fields, f => Assert.Equal("mrkdwn", Text(f, "type")));
        Assert.Contains(fields, f => Text(f, "text") == $"*Alert id*\n{alertId}");
    }

    [Fact]
    public async Task Teams_gets_an_adaptive_card_with_the_facts_and_a_link()
    {
        var (agent, alertId) = await FireAndResolveAsync();

        var messages = await Posted("/teams", alertId, 2);
        Assert.All(messages, m => Assert.Equal("message", Text(m, "type")));
        var cards = messages.Select(m => m.GetProperty("attachments")[0]).ToList();
        Assert.All(cards, a => Assert.Equal("application/vnd.microsoft.card.adaptive", Text(a, "contentType")));
        var card = cards[0].GetProperty("content");
        Assert.Equal(("AdaptiveCard", "1.4", "http://adaptivecards.io/schemas/adaptive-card.json"), (Text(card, "type"), Text(card, "version"), Text(card, "$schema")));
        Assert.Equal(["Attention", "Good"], cards.Select(c => Text(c.GetProperty("content").GetProperty("body")[0], "color")));
        Assert.Equal("TextBlock", Text(card.GetProperty("body")[0], "type"));
        var facts = card.GetProperty("body")[1];
        Assert.Equal("FactSet", Text(facts, "type"));
        Assert.Contains(facts.GetProperty("facts").EnumerateArray(), f => Text(f, "title") == "Alert id" && Text(f, "value") == alertId);
        var action = card.GetProperty("actions")[0];
        Assert.Equal(("Action.OpenUrl", $"http://monitoring.example/api/v1/alerts?agent_id={agent}"), (Text(action, "type"), Text(action, "url")));
    }

    [Fact]
    public async Task Mail_is_one_authenticated_message_per_notification_in_plain_text_and_html()
    {
        var (agent, alertId) = await FireAndResolveAsync();

        await Eventually.TrueAsync(() => Task.FromResult(fixture.Smtp.For(alertId).Count >= 2), "two mails arrived");
        var mails = fixture.Smtp.For(alertId);
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m =>
        {
            Assert.Equal((AlertingClusterFixture.SmtpUser, "monitoring@example.test"), (m.User, m.From));
            Assert.Equal(["ops@example.test", "oncall@example.test"], m.To);
            Assert.Equal("multipart/alternative", m.Message.Body?.ContentType.MimeType);
            Assert.Contains($"Alert id: {alertId}", m.Message.TextBody, StringComparison.Ordinal);
            Assert.Contains($"Open: http://monitoring.example/api/v1/alerts?agent_id={agent}", m.Message.TextBody, StringComparison.Ordinal);
            Assert.Contains("<table>", m.Message.HtmlBody, StringComparison.Ordinal);
            Assert.Contains($"href=\"http://monitoring.example/api/v1/alerts?agent_id={agent}\"", m.Message.HtmlBody, StringComparison.Ordinal);
        });
        Assert.Equal(["[FIRING]", "[RESOLVED]"], mails.Select(m => m.Message.Subject?.Split(' ')[0]));
        Assert.Equal(["firing", "resolved"], mails.Select(m => m.Message.Headers["X-Monitoring-Status"]));
        Assert.NotEqual(mails[0].Message.MessageId, mails[1].Message.MessageId);
    }

    [Fact]
    public async Task A_mail_refused_with_a_transient_reply_is_retried_and_every_attempt_is_recorded()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        var alertId = Abstractions.Alerting.AlertIds.For(agent, rule.Id!, "cpu_percent");
        fixture.Smtp.Refuse(alertId, 1);

        await fixture.ReportAsync(agent, cpu: 95);

        await Eventually.TrueAsync(() => Task.FromResult(fixture.Smtp.For(alertId).Count >= 1), "the mail arrived");
        await fixture.NotificationsSettledAsync(agent);
        var http = fixture.Api.CreateClient();
        var attempts = await http.GetFromJsonAsync($"/api/v1/notifications?alert_id={alertId}", MonitoringJsonContext.Default.NotificationList, TestContext.Current.CancellationToken);
        var mail = attempts!.Attempts.Where(a => a.Receiver == "mail").OrderBy(a => a.Attempt).ToList();
        Assert.Equal([(1, "failed"), (2, "delivered")], mail.Select(a => (a.Attempt, a.Outcome)));
        Assert.Contains("Try again later", mail[0].Error, StringComparison.Ordinal);
        Assert.Single(fixture.Smtp.For(alertId));
    }

    /// <summary>An alert of its own that fires, is delivered everywhere, then resolves.</summary>
    private async Task<(string Agent, string AlertId)> FireAndResolveAsync()
    {
        var agent = Samples.NewAgentId();
        var rule = await fixture.AddRuleAsync(AlertingClusterFixture.Rule(agent));
        await fixture.ReportAsync(agent, cpu: 95);
        var alertId = (await fixture.AlertAsync(agent, rule.Id!))!.Id;
        await fixture.NotificationsSettledAsync(agent);
        await fixture.ReportAsync(agent, cpu: 10);
        await fixture.NotificationsSettledAsync(agent);
        return (agent, alertId);
    }

    private async Task<IReadOnlyList<JsonElement>> Posted(string path, string alertId, int count)
    {
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Services.For(path, alertId).Count >= count), $"{count} posts to {path} about {alertId}");
        var posted = fixture.Services.For(path, alertId);
        Assert.Equal(count, posted.Count);
        return posted;
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
