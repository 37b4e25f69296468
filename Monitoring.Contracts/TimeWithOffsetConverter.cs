using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>
/// A time as ISO 8601 with a time of day and an explicit offset (<c>2026-11-25T10:00:00Z</c>, <c>…+01:00</c>): a
/// date alone, or a time without an offset, would be read in whatever zone the server runs in, so it is refused.
/// </summary>
public sealed class TimeWithOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && HasTimeAndOffset(reader.GetString()!) && reader.TryGetDateTimeOffset(out var value))
        {
            return value;
        }

        throw new JsonException("A time must be ISO 8601 with a time of day and an offset, e.g. 2026-11-25T10:00:00Z or 2026-11-25T11:00:00+01:00.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static bool HasTimeAndOffset(string text) =>
        text.IndexOfAny(['T', 't']) > 0
        && (text[^1] is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':'));
}
