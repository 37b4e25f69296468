using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary><c>POST /api/v1/session</c>: the access token to sign the dashboard in with.</summary>
public sealed record SignInRequest
{
    [JsonPropertyName("token")]
    public string? Token { get; init; }
}

/// <summary>Who a dashboard session acts as: the access token's name and role.</summary>
public sealed record SessionView
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("role")]
    public required string Role { get; init; }
}
