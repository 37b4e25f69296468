using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>The 1, 5 and 15 minute load averages from <c>/proc/loadavg</c>.</summary>
internal static class LoadAverageReading
{
    public static LoadAverage Parse(TextReader loadavg)
    {
        var fields = (loadavg.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            throw new FormatException("/proc/loadavg has fewer than three load averages.");
        }

        return new LoadAverage { Load1 = Load(fields[0]), Load5 = Load(fields[1]), Load15 = Load(fields[2]) };

        static double Load(string field) => double.Parse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}
