using System.Text.RegularExpressions;
using Monitoring.Contracts;

namespace Monitoring.Agent.Systemd;

/// <summary>The <c>SERVICES</c> setting: systemd unit names, a name without a unit type meaning a service, as systemctl reads it.</summary>
internal static partial class UnitNames
{
    private static readonly string[] UnitTypes =
        [".service", ".socket", ".target", ".timer", ".mount", ".automount", ".path", ".swap", ".slice", ".scope", ".device"];

    /// <summary>The full unit names of a comma-separated list, in its order without repeats; <paramref name="badEntry"/> is the first name systemd would refuse.</summary>
    public static IReadOnlyList<string> ParseList(string? setting, out string? badEntry)
    {
        badEntry = null;
        var units = new List<string>();
        foreach (var entry in (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var unit = UnitTypes.Any(type => entry.EndsWith(type, StringComparison.Ordinal)) ? entry : entry + ".service";
            if (!UnitName().IsMatch(unit) || unit.Length > SampleLimits.MaxUnitNameLength)
            {
                badEntry = entry;
                return [];
            }

            if (!units.Contains(unit, StringComparer.Ordinal))
            {
                units.Add(unit);
            }
        }

        return units;
    }

    /// <summary>The characters systemd allows in a unit name (escapes such as <c>\x2d</c> included).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9:_.\\@-]+\z")]
    private static partial Regex UnitName();
}
