using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary><c>POST /api/v1/enrollment-tokens</c>: until when the token may be exchanged, and how many times.</summary>
public sealed record EnrollmentTokenRequest
{
    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("max_uses")]
    public int? MaxUses { get; init; }
}

/// <summary>An enrollment token as listed: never the token itself, only its id.</summary>
public sealed record EnrollmentTokenView
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("expires_at")]
    public required DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("max_uses")]
    public required int MaxUses { get; init; }

    [JsonPropertyName("uses")]
    public required int Uses { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    /// <summary>The plain token, in the creation answer only: it is stored hashed and shown once.</summary>
    [JsonPropertyName("token")]
    public string? Token { get; init; }
}

public sealed record EnrollmentTokenList(
    [property: JsonPropertyName("enrollment_tokens")] IReadOnlyList<EnrollmentTokenView> EnrollmentTokens);

/// <summary><c>POST /api/v1/enroll</c>: an agent exchanges an enrollment token for a key of its own.</summary>
public sealed record EnrollRequest
{
    [JsonPropertyName("enrollment_token")]
    public string? EnrollmentToken { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }
}

/// <summary>The agent's key, shown once: it reports for <c>agent_id</c> only; <c>prefix</c> names it in lists and revocation.</summary>
public sealed record EnrollResponse(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("key")] string Key);

/// <summary>An agent key as listed: its prefix and the agent it is bound to, never the key.</summary>
public sealed record AgentKeyView(
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("enrollment_token_id")] string EnrollmentTokenId);

public sealed record AgentKeyList(
    [property: JsonPropertyName("agent_keys")] IReadOnlyList<AgentKeyView> AgentKeys);
