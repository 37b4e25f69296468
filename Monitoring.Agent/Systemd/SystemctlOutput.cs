using System.Globalization;
using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Agent.Systemd;

/// <summary>Reads <c>systemctl list-units --output=json</c> and <c>systemctl show</c>.</summary>
internal static class SystemctlOutput
{
    /// <summary>The unit names of a <c>list-units --output=json</c> array.</summary>
    public static IReadOnlyList<string> ParseUnitNames(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException invalid)
        {
            throw new FormatException($"systemctl list-units printed no JSON: {invalid.Message}", invalid);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("systemctl list-units printed JSON that is not a list of units");
            }

            return [.. document.RootElement.EnumerateArray()
                .Where(unit => unit.ValueKind == JsonValueKind.Object)
                .Select(unit => unit.TryGetProperty("unit", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null)
                .OfType<string>()];
        }
    }

    /// <summary>
    /// The units of <c>systemctl show --property=Id,ActiveState,SubState,NRestarts</c>: one <c>Key=Value</c> block per
    /// unit, blocks separated by a blank line. Units that are not services have no <c>NRestarts</c>.
    /// </summary>
    public static IReadOnlyList<ServiceState> ParseShow(TextReader show)
    {
        var units = new List<ServiceState>();
        var unit = new ServiceState();
        while (show.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                Add(units, unit);
                unit = new ServiceState();
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new FormatException($"systemctl show printed '{line}', not Key=Value");
            }

            var value = line[(equals + 1)..];
            unit = line[..equals] switch
            {
                "Id" => unit with { Unit = value },
                "ActiveState" => unit with { ActiveState = value },
                "SubState" => unit with { SubState = value },
                "NRestarts" => unit with { Restarts = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var restarts) ? restarts : null },
                _ => unit,
            };
        }

        Add(units, unit);
        return units;
    }

    private static void Add(List<ServiceState> units, ServiceState unit)
    {
        if (!string.IsNullOrEmpty(unit.Unit))
        {
            units.Add(unit);
        }
    }
}
