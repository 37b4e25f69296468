using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Liveness;

/// <summary>Liveness settings; they stay in section <c>Alerting</c>, where <c>agent_down</c>'s threshold has always been set.</summary>
public sealed class LivenessOptions
{
    public const string SectionName = "Alerting";

    /// <summary>Collection intervals without a sample before an agent is down and <c>agent_down</c> fires.</summary>
    [Range(2, 1000)]
    public int MissedIntervalsBeforeDown { get; set; } = AgentLiveness.MissedIntervalsBeforeDown;
}
