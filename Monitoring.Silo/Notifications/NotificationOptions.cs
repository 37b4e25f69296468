using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Notifications;

/// <summary>Notification settings; they stay in section <c>Alerting</c>, where receivers have always been configured.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Alerting";

    /// <summary>Where notifications are sent; none by default.</summary>
    public List<ReceiverOptions> Receivers { get; set; } = [];

    /// <summary>Tries per delivery (the first and the retries), with exponential backoff and jitter from <see cref="DeliveryBackoff"/>.</summary>
    [Range(1, 20)]
    public int DeliveryAttempts { get; set; } = 5;

    /// <summary>How often a still-firing, unacknowledged alert is notified again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The API's public address, for the links in notifications.</summary>
    [Required]
    public string PublicUrl { get; set; } = "http://localhost:5080";

    /// <summary>How often Alertmanager is told a firing alert still fires; it resolves alerts it stops hearing about.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AlertmanagerResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// One notification receiver: a generic <c>webhook</c>, an <c>alertmanager</c> (its base URL), <c>email</c> (SMTP),
/// <c>slack</c> or <c>teams</c> (their incoming-webhook URL) or <c>pagerduty</c> (Events API v2).
/// </summary>
public sealed class ReceiverOptions
{
    public const string Webhook = "webhook";
    public const string Alertmanager = "alertmanager";
    public const string Email = "email";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string PagerDuty = "pagerduty";
    public const string PagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

    public static readonly IReadOnlyList<string> Types = [Webhook, Alertmanager, Email, Slack, Teams, PagerDuty];

    public string Name { get; set; } = "";

    public string Type { get; set; } = Webhook;

    /// <summary>Where to post; for <c>pagerduty</c> the Events API v2 endpoint, <see cref="PagerDutyEventsUrl"/> unless set; unused by <c>email</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Whether resolutions are sent too.</summary>
    public bool SendResolved { get; set; } = true;

    /// <summary>The integration key of a PagerDuty service (Events API v2).</summary>
    public string RoutingKey { get; set; } = "";

    /// <summary>The mail server and the addresses of an <c>email</c> receiver.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The address the receiver's notifications are posted to.</summary>
    public Uri Endpoint => Type switch
    {
        Alertmanager => new Uri(Url.TrimEnd('/') + "/api/v2/alerts"),
        PagerDuty when string.IsNullOrEmpty(Url) => new Uri(PagerDutyEventsUrl),
        _ => new Uri(Url),
    };
}

/// <summary>How an <c>email</c> receiver reaches its mail server: one message per notification, to every recipient.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    public string From { get; set; } = "";

    public List<string> To { get; set; } = [];

    /// <summary>With <see cref="Password"/>, authenticates (SASL, the strongest mechanism both sides know); none when unset.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public SmtpStartTls StartTls { get; set; } = SmtpStartTls.Required;
}

/// <summary>Whether the SMTP session is upgraded to TLS with STARTTLS before anything is sent.</summary>
public enum SmtpStartTls
{
    /// <summary>A server that offers no STARTTLS gets nothing.</summary>
    Required,

    /// <summary>STARTTLS when the server offers it, plain text otherwise.</summary>
    Opportunistic,

    /// <summary>Plain text (a relay on loopback or a trusted network).</summary>
    None,
}
