using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// One admin action as the audit log keeps it: who (the access token's name, or <c>anonymous</c> while access is open),
/// which operation on which target, when, and the target as JSON before and after (null where it did not exist).
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The entry's place in the log, assigned when it is appended: later entries have higher ids.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    [JsonPropertyName("actor")]
    public required string Actor { get; init; }

    /// <summary>The API operation's name, e.g. <c>DeleteAlertRule</c>.</summary>
    [JsonPropertyName("operation")]
    public required string Operation { get; init; }

    /// <summary>The id of the rule, silence or alert acted on.</summary>
    [JsonPropertyName("target")]
    public required string Target { get; init; }

    [JsonPropertyName("before")]
    public JsonElement? Before { get; init; }

    [JsonPropertyName("after")]
    public JsonElement? After { get; init; }
}

/// <summary><c>GET /api/v1/audit</c>: entries newest first; <c>next_cursor</c> asks for the older ones, null on the last page.</summary>
public sealed record AuditPage(
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntry> Entries,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
