using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Alerts;

/// <summary>Settings of section <c>Alerting</c>.</summary>
public sealed class AlertingOptions
{
    public const string SectionName = "Alerting";

    /// <summary>A YAML (<c>.yaml</c>, <c>.yml</c>) or JSON rules file that seeds the rule set at first start instead of the defaults.</summary>
    public string? RulesFile { get; set; }

    /// <summary>How often each silo asks the rule-set grain whether the rules changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RuleRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Collection intervals without a sample before an agent is down and <c>agent_down</c> fires.</summary>
    [Range(2, 1000)]
    public int MissedIntervalsBeforeDown { get; set; } = Ingest.Liveness.MissedIntervalsBeforeDown;

    /// <summary>An alert that fired or resolved more than <see cref="FlapChanges"/> times within <see cref="FlapWindow"/> is flapping.</summary>
    [Range(2, 1000)]
    public int FlapChanges { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a resolved alert stays listed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ResolvedRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where notifications are sent; none by default.</summary>
    public List<ReceiverOptions> Receivers { get; set; } = [];

    /// <summary>How often a still-firing, unacknowledged alert is notified again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often Alertmanager is told a firing alert still fires; it resolves alerts it stops hearing about.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AlertmanagerResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Tries per delivery (the first and the retries), with exponential backoff and jitter from <see cref="DeliveryBackoff"/>.</summary>
    [Range(1, 20)]
    public int DeliveryAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The API's public address, for the links in notifications.</summary>
    [Required]
    public string PublicUrl { get; set; } = "http://localhost:5080";
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
