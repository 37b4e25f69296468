using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Monitoring.Contracts;

namespace Monitoring.Silo.Notifications;

/// <summary>
/// The bodies receivers get: our webhook's JSON, Alertmanager's <c>/api/v2/alerts</c> list, a mail, a Slack or Teams
/// incoming-webhook message, or a PagerDuty event.
/// </summary>
public static class NotificationPayloads
{
    public static WebhookNotification Webhook(AlertNotification notification, ReceiverOptions receiver, string link) => new()
    {
        NotificationId = notification.Id,
        Receiver = receiver.Name,
        Status = notification.Status,
        Repeat = notification.Repeat,
        Transition = notification.Transition,
        Value = notification.Alert.Value,
        Link = link,
        Alert = notification.Alert,
    };

    public static IReadOnlyList<AlertmanagerAlert> Alertmanager(AlertNotification notification, string link, NotificationOptions options)
    {
        var alert = notification.Alert;
        var annotations = new Dictionary<string, string>
        {
            ["summary"] = alert.Summary,
            ["value"] = alert.Value.ToString(CultureInfo.InvariantCulture),
        };
        if (alert.PredictedAt is { } predicted)
        {
            annotations["predicted_at"] = predicted.ToString("O", CultureInfo.InvariantCulture);
        }

        var labels = new Dictionary<string, string>(alert.Labels)
        {
            ["alertname"] = alert.RuleName,
            ["rule_id"] = alert.RuleId,
            ["agent_id"] = alert.AgentId,
            ["agent_name"] = alert.AgentName,
            ["series"] = alert.Series,
            ["severity"] = alert.Severity,
        };
        return
        [
            new AlertmanagerAlert
            {
                Labels = labels,
                Annotations = annotations,
                StartsAt = alert.FiredAt ?? alert.StartedAt,
                // A firing alert expires in Alertmanager unless re-sent: three re-send intervals leave room for two misses.
                EndsAt = notification.Status == "resolved" ? alert.ResolvedAt ?? notification.At : notification.At + 3 * options.AlertmanagerResendInterval,
                GeneratorUrl = link,
            },
        ];
    }

    /// <summary>One line saying what happened: <c>[FIRING] cpu high on web-1: web-1 at 95</c>.</summary>
    public static string Title(AlertNotification notification)
    {
        var alert = notification.Alert;
        var status = notification.Status == "resolved" ? "RESOLVED" : notification.Repeat ? "STILL FIRING" : "FIRING";
        return $"[{status}] {alert.RuleName} on {alert.AgentName}: {alert.Summary}";
    }

    /// <summary>The details every human-readable format shows, in order.</summary>
    public static IReadOnlyList<(string Name, string Value)> Facts(AlertNotification notification)
    {
        var alert = notification.Alert;
        var facts = new List<(string, string)>
        {
            ("Rule", alert.RuleName),
            ("Agent", $"{alert.AgentName} ({alert.AgentId})"),
            ("Series", alert.Series),
            ("Severity", alert.Severity),
            ("Value", alert.Threshold is { } threshold
                ? string.Create(CultureInfo.InvariantCulture, $"{alert.Value} (threshold {threshold})")
                : alert.Value.ToString(CultureInfo.InvariantCulture)),
            ("Since", (alert.FiredAt ?? alert.StartedAt).ToString("u", CultureInfo.InvariantCulture)),
        };
        if (alert.ResolvedAt is { } resolved)
        {
            facts.Add(("Resolved", resolved.ToString("u", CultureInfo.InvariantCulture)));
        }

        facts.Add(("Alert id", alert.Id));
        return facts;
    }

    /// <summary>
    /// One mail: plain text and an HTML alternative, a subject that says what happened, and a Message-Id derived from the
    /// notification id, so a delivery repeated after a crash is the same message to the mail system.
    /// </summary>
    public static MimeMessage Email(AlertNotification notification, SmtpOptions smtp, string link)
    {
        var message = new MimeMessage { Subject = Title(notification) };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.AddRange(smtp.To.Select(MailboxAddress.Parse));
        var domain = MailboxAddress.Parse(smtp.From).Domain;
        message.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notification.Id)))[..32]}@{domain}";
        message.Headers.Add("X-Monitoring-Alert-Id", notification.Alert.Id);
        message.Headers.Add("X-Monitoring-Status", notification.Status);
        var facts = Facts(notification);
        var text = new StringBuilder().AppendLine(Title(notification)).AppendLine();
        foreach (var (name, value) in facts)
        {
            text.Append(name).Append(": ").AppendLine(value);
        }

        text.AppendLine().Append("Open: ").AppendLine(link);
        var colour = notification.Status == "resolved" ? "#2e7d32" : "#c62828";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">")
            .Append(CultureInfo.InvariantCulture, $"<h2 style=\"color:{colour}\">{WebUtility.HtmlEncode(Title(notification))}</h2><table>");
        foreach (var (name, value) in facts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th align=\"left\">{WebUtility.HtmlEncode(name)}</th><td>{WebUtility.HtmlEncode(value)}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p><a href=\"{WebUtility.HtmlEncode(link)}\">Open in Monitoring</a></p></body></html>");
        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody();
        return message;
    }

    /// <summary>Slack: the title as <c>text</c>, an attachment coloured by state with the details as Block Kit fields.</summary>
    public static SlackMessage Slack(AlertNotification notification, string link)
    {
        var title = Title(notification);
        return new SlackMessage(title,
        [
            new SlackAttachment(notification.Status == "resolved" ? "#2eb67d" : "#e01e5a", title,
            [
                new SlackBlock { Type = "section", Text = new SlackText("mrkdwn", $"*<{link}|{SlackEscape(title)}>*") },
                new SlackBlock { Type = "section", Fields = [.. Facts(notification).Take(10).Select(f => new SlackText("mrkdwn", $"*{f.Name}*\n{SlackEscape(f.Value)}"))] },
            ]),
        ]);
    }

    /// <summary>Teams: an Adaptive Card with the title coloured by state, the details as a fact set and a link.</summary>
    public static TeamsMessage Teams(AlertNotification notification, string link) => new(
    [
        new TeamsAttachment(new AdaptiveCard(
            [
                new AdaptiveElement
                {
                    Type = "TextBlock",
                    Text = Title(notification),
                    Weight = "Bolder",
                    Size = "Medium",
                    Color = notification.Status == "resolved" ? "Good" : "Attention",
                    Wrap = true,
                },
                new AdaptiveElement { Type = "FactSet", Facts = [.. Facts(notification).Select(f => new AdaptiveFact(f.Name, f.Value))] },
            ],
            [new AdaptiveAction("Open in Monitoring", link)])),
    ]);

    /// <summary>PagerDuty: a trigger (repeats are deduplicated by PagerDuty) or a resolve, keyed by the alert id.</summary>
    public static PagerDutyEvent PagerDuty(AlertNotification notification, ReceiverOptions receiver, string link)
    {
        var alert = notification.Alert;
        if (notification.Status == "resolved")
        {
            return new PagerDutyEvent { RoutingKey = receiver.RoutingKey, EventAction = "resolve", DedupKey = alert.Id };
        }

        var title = Title(notification);
        return new PagerDutyEvent
        {
            RoutingKey = receiver.RoutingKey,
            EventAction = "trigger",
            DedupKey = alert.Id,
            Payload = new PagerDutyPayload
            {
                // PagerDuty keeps at most 1024 characters of a summary.
                Summary = title.Length > 1024 ? title[..1024] : title,
                Severity = alert.Severity is "critical" or "warning" or "info" ? alert.Severity : "error",
                Source = alert.AgentName,
                Timestamp = alert.FiredAt ?? alert.StartedAt,
                Component = alert.Series,
                Group = alert.RuleId,
                CustomDetails = Facts(notification).ToDictionary(f => f.Name, f => f.Value),
            },
            Client = "Monitoring",
            ClientUrl = link,
            Links = [new PagerDutyLink(link, "Open in Monitoring")],
        };
    }

    /// <summary>Slack's mrkdwn treats only these three as markup.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
