using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// A Slack incoming-webhook message: <c>text</c> (the notification and the fallback) and one attachment whose
/// <c>color</c> marks the state and whose Block Kit <c>blocks</c> hold the details (Slack's own names).
/// </summary>
public sealed record SlackMessage(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("attachments")] IReadOnlyList<SlackAttachment> Attachments);

public sealed record SlackAttachment(
    [property: JsonPropertyName("color")] string Color,
    [property: JsonPropertyName("fallback")] string Fallback,
    [property: JsonPropertyName("blocks")] IReadOnlyList<SlackBlock> Blocks);

/// <summary>A Block Kit block: a <c>section</c> with <c>text</c> or <c>fields</c>, or a <c>context</c> with <c>elements</c>.</summary>
public sealed record SlackBlock
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public SlackText? Text { get; init; }

    [JsonPropertyName("fields")]
    public IReadOnlyList<SlackText>? Fields { get; init; }

    [JsonPropertyName("elements")]
    public IReadOnlyList<SlackText>? Elements { get; init; }
}

public sealed record SlackText(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string Text);

/// <summary>
/// A Microsoft Teams message for a Workflows (or connector) incoming webhook: one attachment holding an Adaptive Card
/// (Teams' own names).
/// </summary>
public sealed record TeamsMessage(
    [property: JsonPropertyName("attachments")] IReadOnlyList<TeamsAttachment> Attachments)
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "message";
}

public sealed record TeamsAttachment([property: JsonPropertyName("content")] AdaptiveCard Content)
{
    [JsonPropertyName("contentType")]
    public string ContentType { get; init; } = "application/vnd.microsoft.card.adaptive";
}

public sealed record AdaptiveCard(
    [property: JsonPropertyName("body")] IReadOnlyList<AdaptiveElement> Body,
    [property: JsonPropertyName("actions")] IReadOnlyList<AdaptiveAction> Actions)
{
    [JsonPropertyName("$schema")]
    public string Schema { get; init; } = "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyName("type")]
    public string Type { get; init; } = "AdaptiveCard";

    [JsonPropertyName("version")]
    public string Version { get; init; } = "1.4";
}

/// <summary>A <c>TextBlock</c> (<c>text</c>, <c>weight</c>, <c>size</c>, <c>color</c>, <c>wrap</c>) or a <c>FactSet</c> (<c>facts</c>).</summary>
public sealed record AdaptiveElement
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("weight")]
    public string? Weight { get; init; }

    [JsonPropertyName("size")]
    public string? Size { get; init; }

    [JsonPropertyName("color")]
    public string? Color { get; init; }

    [JsonPropertyName("wrap")]
    public bool? Wrap { get; init; }

    [JsonPropertyName("facts")]
    public IReadOnlyList<AdaptiveFact>? Facts { get; init; }
}

public sealed record AdaptiveFact(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("value")] string Value);

public sealed record AdaptiveAction(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string Url)
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "Action.OpenUrl";
}

/// <summary>
/// A PagerDuty Events API v2 event: <c>trigger</c> or <c>resolve</c> of the incident keyed by <c>dedup_key</c> (our alert
/// id), with a <c>payload</c> on triggers.
/// </summary>
public sealed record PagerDutyEvent
{
    [JsonPropertyName("routing_key")]
    public required string RoutingKey { get; init; }

    /// <summary><c>trigger</c> or <c>resolve</c>.</summary>
    [JsonPropertyName("event_action")]
    public required string EventAction { get; init; }

    [JsonPropertyName("dedup_key")]
    public required string DedupKey { get; init; }

    [JsonPropertyName("payload")]
    public PagerDutyPayload? Payload { get; init; }

    [JsonPropertyName("client")]
    public string? Client { get; init; }

    [JsonPropertyName("client_url")]
    public string? ClientUrl { get; init; }

    [JsonPropertyName("links")]
    public IReadOnlyList<PagerDutyLink>? Links { get; init; }
}

public sealed record PagerDutyPayload
{
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary><c>critical</c>, <c>error</c>, <c>warning</c> or <c>info</c>.</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("source")]
    public required string Source { get; init; }

    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; init; }

    [JsonPropertyName("component")]
    public string? Component { get; init; }

    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("custom_details")]
    public IReadOnlyDictionary<string, string>? CustomDetails { get; init; }
}

public sealed record PagerDutyLink(
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("text")] string Text);
