using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>One delivery attempt of one notification to one receiver (<c>GET /api/v1/notifications</c>).</summary>
public sealed record NotificationAttempt
{
    [JsonPropertyName("notification_id")]
    public required string NotificationId { get; init; }

    [JsonPropertyName("receiver")]
    public required string Receiver { get; init; }

    [JsonPropertyName("alert_id")]
    public required string AlertId { get; init; }

    /// <summary><c>firing</c> or <c>resolved</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>1 for the first try; retries count on.</summary>
    [JsonPropertyName("attempt")]
    public int Attempt { get; init; }

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    /// <summary><c>delivered</c> or <c>failed</c>.</summary>
    [JsonPropertyName("outcome")]
    public required string Outcome { get; init; }

    [JsonPropertyName("http_status")]
    public int? HttpStatus { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("duration_ms")]
    public double DurationMs { get; init; }
}

public sealed record NotificationList(
    [property: JsonPropertyName("attempts")] IReadOnlyList<NotificationAttempt> Attempts);

/// <summary>
/// The body a generic webhook receiver gets: what happened (<c>status</c>, <c>transition</c>), the alert as it stands,
/// its value and a link to it. <c>repeat</c> marks a reminder for an alert still firing.
/// </summary>
public sealed record WebhookNotification
{
    [JsonPropertyName("version")]
    public string Version { get; init; } = "1";

    /// <summary>The alert id and its notification sequence (<c>{alert_id}~{n}~{status}</c>): a delivery repeated after a crash has the same id.</summary>
    [JsonPropertyName("notification_id")]
    public required string NotificationId { get; init; }

    [JsonPropertyName("receiver")]
    public required string Receiver { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("repeat")]
    public bool Repeat { get; init; }

    [JsonPropertyName("transition")]
    public AlertTransition? Transition { get; init; }

    [JsonPropertyName("value")]
    public double Value { get; init; }

    [JsonPropertyName("link")]
    public required string Link { get; init; }

    [JsonPropertyName("alert")]
    public required AlertView Alert { get; init; }
}

public sealed record AlertTransition(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary>One alert in Alertmanager's <c>POST /api/v2/alerts</c> body (its own camelCase names).</summary>
public sealed record AlertmanagerAlert
{
    [JsonPropertyName("labels")]
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    [JsonPropertyName("annotations")]
    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    [JsonPropertyName("startsAt")]
    public DateTimeOffset StartsAt { get; init; }

    [JsonPropertyName("endsAt")]
    public DateTimeOffset? EndsAt { get; init; }

    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; init; }
}
