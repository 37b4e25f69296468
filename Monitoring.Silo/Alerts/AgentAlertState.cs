using Monitoring.Contracts;

namespace Monitoring.Silo.Alerts;

[GenerateSerializer, Alias("Monitoring.AlertState")]
public enum AlertState
{
    Inactive,
    Pending,
    Firing,
    Resolved,
    Unknown,
}

/// <summary>An agent's alerts and liveness, persisted by its grain on every transition (never per sample).</summary>
[GenerateSerializer, Alias("Monitoring.AgentAlertState")]
public sealed class AgentAlertState
{
    /// <summary>By rule id and series (<see cref="AlertInstance.Key"/>).</summary>
    [Id(0)]
    public Dictionary<string, AlertInstance> Alerts { get; set; } = [];

    /// <summary>Set while the agent is down: its other alerts are then unknown.</summary>
    [Id(1)]
    public DateTimeOffset? DownSince { get; set; }
}

/// <summary>One rule applied to one series of the agent.</summary>
[GenerateSerializer, Alias("Monitoring.AlertInstance")]
public sealed class AlertInstance
{
    [Id(0)]
    public string Id { get; set; } = "";

    [Id(1)]
    public string RuleId { get; set; } = "";

    [Id(2)]
    public string RuleName { get; set; } = "";

    [Id(3)]
    public string Series { get; set; } = "";

    [Id(4)]
    public AlertState State { get; set; }

    [Id(5)]
    public string Severity { get; set; } = "warning";

    [Id(6)]
    public double Value { get; set; }

    [Id(7)]
    public double? Threshold { get; set; }

    [Id(8)]
    public string Summary { get; set; } = "";

    [Id(9)]
    public Dictionary<string, string> Labels { get; set; } = [];

    [Id(10)]
    public DateTimeOffset StartedAt { get; set; }

    [Id(11)]
    public DateTimeOffset StateSince { get; set; }

    [Id(12)]
    public DateTimeOffset? FiredAt { get; set; }

    [Id(13)]
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>When the condition cleared while <c>keep_firing_for</c> holds the alert firing.</summary>
    [Id(14)]
    public DateTimeOffset? ClearedSince { get; set; }

    [Id(15)]
    public bool Flapping { get; set; }

    /// <summary>Times the alert fired or resolved within the flap window.</summary>
    [Id(16)]
    public List<DateTimeOffset> Changes { get; set; } = [];

    [Id(17)]
    public string AgentName { get; set; } = "";

    /// <summary>The last state notified (<c>firing</c> or <c>resolved</c>): a restart or a repeated transition never re-notifies it.</summary>
    [Id(18)]
    public string? NotifiedState { get; set; }

    [Id(19)]
    public DateTimeOffset? NotifiedAt { get; set; }

    [Id(20)]
    public Acknowledgement? Acknowledged { get; set; }

    /// <summary>The severity when acknowledged: a worse one notifies again.</summary>
    [Id(21)]
    public string? AcknowledgedSeverity { get; set; }

    /// <summary>When Alertmanager last heard that this alert still fires (it expires alerts not re-sent).</summary>
    [Id(22)]
    public DateTimeOffset? ResentAt { get; set; }

    /// <summary>Counts the firing and resolved notifications: with the alert id it makes a notification id stable across a replay.</summary>
    [Id(23)]
    public int NotifiedSequence { get; set; }

    /// <summary>A forecast rule's predicted time of crossing its threshold, as of the last sample.</summary>
    [Id(24)]
    public DateTimeOffset? PredictedAt { get; set; }

    public static string Key(string ruleId, string series) => ruleId + "\n" + series;

    public string StateName => Name(State);

    public static string Name(AlertState state) => state switch
    {
        AlertState.Inactive => "inactive",
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        AlertState.Resolved => "resolved",
        _ => "unknown",
    };

    public AlertView ToView(string agentId, bool silenced = false) => new()
    {
        Acknowledged = Acknowledged,
        Silenced = silenced,
        Id = Id,
        RuleId = RuleId,
        RuleName = RuleName,
        AgentId = agentId,
        AgentName = AgentName,
        Series = Series,
        State = StateName,
        Flapping = Flapping,
        Severity = Severity,
        Value = Value,
        Threshold = Threshold,
        Summary = Summary,
        Labels = Labels,
        StartedAt = StartedAt,
        StateSince = StateSince,
        FiredAt = FiredAt,
        ResolvedAt = ResolvedAt,
        PredictedAt = PredictedAt,
    };
}
