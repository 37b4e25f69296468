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

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            errors[field] = [$"{field} must be an ISO 8601 time, e.g. 2026-11-25T10:00:00Z."];
            return null;
        }

        return Supported(parsed, field, errors) ? parsed : null;
    }

    /// <summary>
    /// Whether <paramref name="time"/> lies from the Unix epoch to the year 9000, the times a range may name: far enough
    /// from .NET's limits that a default span before or after it is still a time. Adds an error under <paramref name="field"/> when not.
    /// </summary>
    public static bool Supported(DateTimeOffset time, string field, Dictionary<string, string[]> errors)
    {
        if (time >= DateTimeOffset.UnixEpoch && time < Latest)
        {
            return true;
        }

        errors[field] = [$"{field} must be from 1970-01-01T00:00:00Z to before 9000-01-01T00:00:00Z."];
        return false;
    }

    private static readonly DateTimeOffset Latest = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
