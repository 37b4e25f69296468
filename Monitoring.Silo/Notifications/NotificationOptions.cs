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

/// <summary>One notification receiver: a generic <c>webhook</c> or an <c>alertmanager</c> (its base URL).</summary>
public sealed class ReceiverOptions
{
    public const string Webhook = "webhook";
    public const string Alertmanager = "alertmanager";

    public string Name { get; set; } = "";

    public string Type { get; set; } = Webhook;

    public string Url { get; set; } = "";

    /// <summary>Whether resolutions are sent too.</summary>
    public bool SendResolved { get; set; } = true;
}
