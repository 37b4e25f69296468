using System.Globalization;

namespace Monitoring.Agent.Collectors;

/// <summary>Seconds since boot, the first figure of <c>/proc/uptime</c>.</summary>
internal static class UptimeReading
{
    public static double Parse(TextReader uptime)
    {
        var line = uptime.ReadLine() ?? "";
        var end = line.IndexOf(' ', StringComparison.Ordinal);
        return double.Parse(end < 0 ? line : line[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}
