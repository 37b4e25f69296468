using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// One alert: a rule applied to one series of one agent. <c>state</c> is <c>pending</c>, <c>firing</c>, <c>resolved</c> or
/// <c>unknown</c> (the agent is down, so nobody knows); <c>flapping</c> says notifications are paused because it changes too often.
/// </summary>
public sealed record AlertView
{
    /// <summary><c>{agent_id}~{rule_id}~{series hash}</c>: stable for the same rule, agent and series.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("rule_id")]
    public required string RuleId { get; init; }

    [JsonPropertyName("rule_name")]
    public required string RuleName { get; init; }

    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public required string AgentName { get; init; }

    /// <summary>The series the rule matched (<c>disk[/home].percent</c>), or <c>agent_down</c>.</summary>
    [JsonPropertyName("series")]
    public required string Series { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("flapping")]
    public bool Flapping { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("value")]
    public double Value { get; init; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>When this episode began (the first breaching sample).</summary>
    [JsonPropertyName("started_at")]
    public DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("state_since")]
    public DateTimeOffset StateSince { get; init; }

    [JsonPropertyName("fired_at")]
    public DateTimeOffset? FiredAt { get; init; }

    [JsonPropertyName("resolved_at")]
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>A forecast rule's predicted time of crossing the threshold; null for other rules or without a prediction.</summary>
    [JsonPropertyName("predicted_at")]
    public DateTimeOffset? PredictedAt { get; init; }

    /// <summary>Set while acknowledged: no reminders until it resolves, worsens in severity, or the acknowledgement expires.</summary>
    [JsonPropertyName("acknowledged")]
    public Acknowledgement? Acknowledged { get; init; }

    /// <summary>A silence matches it: it shows, but notifies nobody.</summary>
    [JsonPropertyName("silenced")]
    public bool Silenced { get; init; }
}

/// <summary><c>GET /api/v1/alerts</c>.</summary>
public sealed record AlertList(
    [property: JsonPropertyName("alerts")] IReadOnlyList<AlertView> Alerts);

/// <summary>One state change of one alert, as the alert history and the notifications carry it.</summary>
public sealed record AlertEvent
{
    [JsonPropertyName("alert_id")]
    public required string AlertId { get; init; }

    [JsonPropertyName("rule_id")]
    public required string RuleId { get; init; }

    [JsonPropertyName("rule_name")]
    public required string RuleName { get; init; }

    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_name")]
    public required string AgentName { get; init; }

    [JsonPropertyName("series")]
    public required string Series { get; init; }

    /// <summary><c>inactive</c>, <c>pending</c>, <c>firing</c>, <c>resolved</c> or <c>unknown</c>.</summary>
    [JsonPropertyName("from")]
    public required string From { get; init; }

    [JsonPropertyName("to")]
    public required string To { get; init; }

    [JsonPropertyName("flapping")]
    public bool Flapping { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("value")]
    public double Value { get; init; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("fired_at")]
    public DateTimeOffset? FiredAt { get; init; }

    /// <summary>A forecast rule's predicted time of crossing the threshold; null for other rules or without a prediction.</summary>
    [JsonPropertyName("predicted_at")]
    public DateTimeOffset? PredictedAt { get; init; }

    /// <summary>The alert as it stands after this transition.</summary>
    public AlertView ToView() => new()
    {
        Id = AlertId,
        RuleId = RuleId,
        RuleName = RuleName,
        AgentId = AgentId,
        AgentName = AgentName,
        Series = Series,
        State = To,
        Flapping = Flapping,
        Severity = Severity,
        Value = Value,
        Threshold = Threshold,
        Summary = Summary,
        Labels = Labels,
        StartedAt = StartedAt,
        StateSince = At,
        FiredAt = FiredAt,
        ResolvedAt = To == "resolved" ? At : null,
        PredictedAt = PredictedAt,
    };
}

/// <summary><c>GET /api/v1/alerts/history</c>: transitions oldest first.</summary>
public sealed record AlertHistory(
    [property: JsonPropertyName("events")] IReadOnlyList<AlertEvent> Events,
    [property: JsonPropertyName("truncated")] bool Truncated);
