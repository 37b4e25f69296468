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
}
