using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;

namespace Monitoring.Silo.Alerts;

/// <summary>The rules a new installation starts with when no rules file is configured.</summary>
public static class DefaultRules
{
    public static IReadOnlyList<AlertRule> All { get; } =
    [
        Rule("cpu_high", "CPU above 90%", MetricSeries.CpuPercent, "5m", "{agent_name} CPU at {value}%"),
        Rule("memory_high", "Memory above 90%", MetricSeries.MemoryPercent, "5m", "{agent_name} memory at {value}%"),
        Rule("disk_high", "Root disk above 90%", MetricSeries.DiskPercent, "10m", "{agent_name} root disk at {value}%"),
        Rule("mount_disk_high", "A disk above 90%", "disk[*].percent", "10m", "{agent_name} {metric} at {value}%"),
        new AlertRule
        {
            Id = "mount_fills",
            Name = "A disk fills within 24 h",
            Metric = "disk[*].percent",
            Comparator = ">=",
            Threshold = 100,
            Forecast = "24h",
            Window = "6h",
            For = "0",
            Severity = "warning",
            Summary = "{agent_name} {metric} at {value}% is full in {eta}",
        },
        Flag("disk_failing", "A disk predicts its failure", "smart[*].healthy", "<", 1, "critical", "{agent_name} {metric}: the disk failed its S.M.A.R.T. self-assessment"),
        Flag("raid_degraded", "A RAID array lost a disk", "raid[*].degraded", ">=", 1, "critical", "{agent_name} {metric}: the array runs without redundancy"),
        Flag("service_failed", "A systemd unit failed", "service[*].failed", ">=", 1, "warning", "{agent_name} {metric}: the unit is in the failed state"),
        new AlertRule
        {
            Id = "agent_down",
            Name = "Agent down",
            Metric = AlertRuleValidator.AgentDownMetric,
            Severity = "critical",
            Summary = "{agent_name} sent no sample for {value} s",
        },
    ];

    /// <summary>A rule on a 1-or-0 series that fires on the first sample showing the fault.</summary>
    private static AlertRule Flag(string id, string name, string metric, string comparator, double threshold, string severity, string summary) => new()
    {
        Id = id,
        Name = name,
        Metric = metric,
        Comparator = comparator,
        Threshold = threshold,
        For = "0",
        Severity = severity,
        Summary = summary,
    };

    private static AlertRule Rule(string id, string name, string metric, string duration, string summary) => new()
    {
        Id = id,
        Name = name,
        Metric = metric,
        Comparator = ">",
        Threshold = 90,
        For = duration,
        Severity = "warning",
        Summary = summary,
    };
}
