using System.Globalization;

namespace Monitoring.Api;

/// <summary>The <c>from</c>/<c>to</c> query parameters of every time-range endpoint.</summary>
internal static class TimeParameter
{
    /// <summary>The time, or null when absent; an unparseable value adds an error under <paramref name="field"/>.</summary>
    public static DateTimeOffset? Parse(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"{field} must be an ISO 8601 time, e.g. 2026-11-25T10:00:00Z."];
        return null;
    }
}
