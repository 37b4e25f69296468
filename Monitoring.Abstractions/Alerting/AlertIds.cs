using System.Text;

namespace Monitoring.Abstractions.Alerting;

/// <summary>
/// An alert's id, <c>{agent_id}~{rule_id}~{series hash}</c>: stable, safe in a URL path, and it names the agent whose
/// grain owns the alert (neither agent ids nor rule ids contain <c>~</c>).
/// </summary>
public static class AlertIds
{
    public static string For(string agentId, string ruleId, string series)
    {
        // FNV-1a: a short, stable id part for series names that may hold '/', ':' or brackets.
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(series))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return $"{agentId}~{ruleId}~{hash:x8}";
    }

    public static string AgentId(string alertId) => alertId.Split('~')[0];
}
