using Microsoft.Extensions.Options;
using MimeKit;

namespace Monitoring.Silo.Notifications;

/// <summary>A bad receiver stops the silo at start, naming the setting and what it needs.</summary>
public sealed class ReceiversValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Receivers.Count; i++)
        {
            var receiver = options.Receivers[i];
            var setting = $"Alerting:Receivers:{i}";
            if (string.IsNullOrWhiteSpace(receiver.Name) || options.Receivers.Count(r => r.Name == receiver.Name) > 1)
            {
                failures.Add($"{setting}:Name must be set and unique.");
            }

            if (!ReceiverOptions.Types.Contains(receiver.Type))
            {
                failures.Add($"{setting}:Type '{receiver.Type}' is unknown; it must be one of {string.Join(", ", ReceiverOptions.Types)}.");
                continue;
            }

            if (receiver.Type == ReceiverOptions.Email)
            {
                ValidateSmtp(receiver.Smtp, setting + ":Smtp", failures);
                continue;
            }

            if (receiver.Type == ReceiverOptions.PagerDuty && string.IsNullOrWhiteSpace(receiver.RoutingKey))
            {
                failures.Add($"{setting}:RoutingKey must be set to the PagerDuty service's integration key.");
            }

            var optional = receiver.Type == ReceiverOptions.PagerDuty && string.IsNullOrEmpty(receiver.Url);
            if (!optional && (!Uri.TryCreate(receiver.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            {
                failures.Add($"{setting}:Url must be an absolute http or https URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSmtp(SmtpOptions smtp, string setting, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            failures.Add($"{setting}:Host must name the mail server.");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            failures.Add($"{setting}:Port must be between 1 and 65535.");
        }

        if (!IsAddress(smtp.From))
        {
            failures.Add($"{setting}:From must be a mail address.");
        }

        if (smtp.To.Count == 0)
        {
            failures.Add($"{setting}:To must list at least one recipient.");
        }

        foreach (var to in smtp.To.Where(to => !IsAddress(to)))
        {
            failures.Add($"{setting}:To holds '{to}', which is not a mail address.");
        }

        if (string.IsNullOrEmpty(smtp.Username) != string.IsNullOrEmpty(smtp.Password))
        {
            failures.Add($"{setting}:Username and Password must be set together.");
        }
    }

    private static bool IsAddress(string value) => MailboxAddress.TryParse(value, out var address) && address.Address.Contains('@', StringComparison.Ordinal);
}
