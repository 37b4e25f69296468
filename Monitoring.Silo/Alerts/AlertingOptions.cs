using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Alerts;

/// <summary>Rule and evaluation settings of section <c>Alerting</c>; its liveness and notification settings have options of their own.</summary>
public sealed class AlertingOptions
{
    public const string SectionName = "Alerting";

    /// <summary>A YAML (<c>.yaml</c>, <c>.yml</c>) or JSON rules file that seeds the rule set at first start instead of the defaults.</summary>
    public string? RulesFile { get; set; }

    /// <summary>How often each silo asks the rule-set grain whether the rules changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RuleRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An alert that fired or resolved more than <see cref="FlapChanges"/> times within <see cref="FlapWindow"/> is flapping.</summary>
    [Range(2, 1000)]
    public int FlapChanges { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a resolved alert stays listed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ResolvedRetention { get; set; } = TimeSpan.FromHours(1);
}
