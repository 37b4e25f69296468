using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// One alert rule as the API, the rules file and the export carry it. Durations are <c>0</c> or a number with
/// <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>5m</c>); the metric is a series name of <c>MetricSeries</c>, with <c>*</c>
/// inside brackets for any one (<c>disk[*].percent</c>), or <c>agent_down</c> for the built-in liveness rule.
/// </summary>
public sealed record AlertRule
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("metric")]
    public string? Metric { get; init; }

    /// <summary><c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>==</c> or <c>!=</c>.</summary>
    [JsonPropertyName("comparator")]
    public string? Comparator { get; init; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    /// <summary>How long the condition must hold before the alert fires; <c>0</c> fires on the first matching sample.</summary>
    [JsonPropertyName("for")]
    public string? For { get; init; }

    /// <summary>Hysteresis: a firing alert resolves only once the value is past this on the good side.</summary>
    [JsonPropertyName("recovery_threshold")]
    public double? RecoveryThreshold { get; init; }

    /// <summary>How long a firing alert stays firing after its condition cleared.</summary>
    [JsonPropertyName("keep_firing_for")]
    public string? KeepFiringFor { get; init; }

    /// <summary>
    /// Makes the rule a forecast: the value a least-squares line through the series' last <see cref="Window"/> predicts this
    /// far ahead meets the comparator and threshold (<c>disk[*].percent &gt;= 100</c> with <c>24h</c>: the mount fills within a day).
    /// </summary>
    [JsonPropertyName("forecast")]
    public string? Forecast { get; init; }

    /// <summary>How much of the series' recent past a forecast fits its line to; <c>6h</c> when absent.</summary>
    [JsonPropertyName("window")]
    public string? Window { get; init; }

    /// <summary><c>warning</c> or <c>critical</c>.</summary>
    [JsonPropertyName("severity")]
    public string? Severity { get; init; }

    /// <summary>Which agents the rule watches; absent means every agent.</summary>
    [JsonPropertyName("scope")]
    public AlertScope? Scope { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Template with <c>{agent_id}</c>, <c>{agent_name}</c>, <c>{value}</c>, <c>{threshold}</c>, <c>{metric}</c>, <c>{rule}</c>, and for a forecast <c>{eta}</c> (<c>17 h</c>).</summary>
    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }
}

/// <summary>A list of agent ids, or a glob (<c>*</c>, <c>?</c>) matched against the agent's id or name; not both.</summary>
public sealed record AlertScope
{
    [JsonPropertyName("agent_ids")]
    public IReadOnlyList<string>? AgentIds { get; init; }

    [JsonPropertyName("match")]
    public string? Match { get; init; }
}

/// <summary><c>GET /api/v1/alert-rules</c>, the rules file and the export: the rules and the rule set's version.</summary>
public sealed record AlertRuleList
{
    [JsonPropertyName("version")]
    public long Version { get; init; }

    [JsonPropertyName("rules")]
    public IReadOnlyList<AlertRule> Rules { get; init; } = [];
}

/// <summary><c>POST /api/v1/alert-rules/preview</c>: a rule (or a saved rule's id) and the history range to replay it on.</summary>
public sealed record AlertRulePreviewRequest
{
    [JsonPropertyName("rule")]
    public AlertRule? Rule { get; init; }

    [JsonPropertyName("rule_id")]
    public string? RuleId { get; init; }

    /// <summary>One agent; absent means every agent in the rule's scope (at most 200).</summary>
    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("from")]
    public DateTimeOffset? From { get; init; }

    [JsonPropertyName("to")]
    public DateTimeOffset? To { get; init; }
}

/// <summary>What a rule would have done over stored history: its transitions and the notifications a receiver would have got.</summary>
public sealed record AlertRulePreview
{
    [JsonPropertyName("agents")]
    public int Agents { get; init; }

    [JsonPropertyName("samples")]
    public int Samples { get; init; }

    [JsonPropertyName("transitions")]
    public IReadOnlyList<AlertEvent> Transitions { get; init; } = [];

    [JsonPropertyName("notifications")]
    public int Notifications { get; init; }

    /// <summary>True when an agent or sample cap cut the replay short.</summary>
    [JsonPropertyName("truncated")]
    public bool Truncated { get; init; }
}
