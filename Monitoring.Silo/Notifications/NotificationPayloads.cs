using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Silo.Notifications;

/// <summary>The bodies receivers get: our webhook's JSON, or Alertmanager's <c>/api/v2/alerts</c> list.</summary>
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
}
