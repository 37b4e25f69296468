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
            Id = "agent_down",
            Name = "Agent down",
            Metric = AlertRuleValidator.AgentDownMetric,
            Severity = "critical",
            Summary = "{agent_name} sent no sample for {value} s",
        },
    ];

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
