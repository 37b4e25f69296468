using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Storage;

/// <summary>Settings of section <c>Quotas</c>: how many agents, rules and silences the cluster stores at most.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>Registered agents; a new agent's first sample beyond it is refused, agents already registered keep reporting.</summary>
    [Range(1, 100_000_000)]
    public int MaxAgents { get; set; } = 100_000;

    /// <summary>Alert rules; creating one more is refused.</summary>
    [Range(1, 100_000)]
    public int MaxRules { get; set; } = 1000;

    /// <summary>Silences, active or not yet ended; creating one more is refused.</summary>
    [Range(1, 100_000)]
    public int MaxSilences { get; set; } = 1000;
}
