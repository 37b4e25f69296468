using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// Mutes notifications of the alerts it matches between <c>starts_at</c> and <c>ends_at</c>; they still show. Every
/// matcher given must match: <c>rule_id</c> and <c>agent_id</c> are globs (<c>*</c>, <c>?</c>), each label must be equal.
/// </summary>
public sealed record Silence
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("matchers")]
    public SilenceMatchers? Matchers { get; init; }

    [JsonPropertyName("starts_at")]
    public DateTimeOffset? StartsAt { get; init; }

    [JsonPropertyName("ends_at")]
    public DateTimeOffset? EndsAt { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }
}

public sealed record SilenceMatchers
{
    [JsonPropertyName("rule_id")]
    public string? RuleId { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

public sealed record SilenceList(
    [property: JsonPropertyName("silences")] IReadOnlyList<Silence> Silences);

/// <summary><c>POST /api/v1/alerts/{id}/ack</c>: who acknowledges, why, and optionally until when.</summary>
public sealed record Acknowledgement
{
    [JsonPropertyName("by")]
    public string? By { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("at")]
    public DateTimeOffset? At { get; init; }
}
