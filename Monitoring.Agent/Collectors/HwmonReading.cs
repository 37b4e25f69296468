using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>
/// Temperatures and fans of <c>/sys/class/hwmon</c>: every <c>tempN_input</c> (millidegrees Celsius) and <c>fanN_input</c>
/// (RPM) of every chip, named <c>chip/label</c> with the chip's <c>name</c> and the input's <c>tempN_label</c> or
/// <c>fanN_label</c>, or the input's own name (<c>acpitz/temp1</c>) where the driver gives no label.
/// </summary>
internal static class HwmonReading
{
    /// <summary>
    /// Reads the chips in <paramref name="directory"/>. Chips that share a name (two NVMe drives, the coretemp of each
    /// socket) are told apart by their device (<c>nvme@nvme1/Composite</c>). An input that cannot be read is passed to
    /// <paramref name="skipped"/> and left out.
    /// </summary>
    public static (List<TemperatureMetrics> Temperatures, List<FanMetrics> Fans) Read(string directory, Action<string, Exception> skipped)
    {
        var temperatures = new List<TemperatureMetrics>();
        var fans = new List<FanMetrics>();
        if (!Directory.Exists(directory))
        {
            return (temperatures, fans);
        }

        var chips = new List<Chip>();
        foreach (var path in Directory.GetDirectories(directory))
        {
            if (ReadText(Path.Combine(path, "name")) is { Length: > 0 } name)
            {
                chips.Add(new Chip(path, name, IndexOf(Path.GetFileName(path))));
            }
        }

        chips.Sort(static (a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : string.CompareOrdinal(a.Path, b.Path));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chip in chips)
        {
            if (!seen.Add(chip.Name))
            {
                shared.Add(chip.Name);
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, name, _) in chips)
        {
            var chip = shared.Contains(name) ? $"{name}@{DeviceOf(path)}" : name;
            foreach (var index in Inputs(path, "temp"))
            {
                if (temperatures.Count < SampleLimits.MaxTemperatures
                    && Value(path, $"temp{index}_input", skipped) is { } millidegrees
                    && UniqueName(chip, path, "temp", index, names) is { } sensor)
                {
                    temperatures.Add(new TemperatureMetrics
                    {
                        Name = sensor,
                        Celsius = Celsius(millidegrees),
                        HighCelsius = Limit(path, $"temp{index}_max"),
                        CriticalCelsius = Limit(path, $"temp{index}_crit"),
                    });
                }
            }

            foreach (var index in Inputs(path, "fan"))
            {
                if (fans.Count < SampleLimits.MaxFans
                    && Value(path, $"fan{index}_input", skipped) is { } rpm
                    && UniqueName(chip, path, "fan", index, names) is { } sensor)
                {
                    fans.Add(new FanMetrics { Name = sensor, Rpm = rpm });
                }
            }
        }

        return (temperatures, fans);
    }

    /// <summary>N of each <c>{kind}N_input</c> file of a chip, in order.</summary>
    private static List<int> Inputs(string chip, string kind)
    {
        var indexes = new List<int>();
        foreach (var path in Directory.EnumerateFiles(chip, $"{kind}*_input"))
        {
            var input = Path.GetFileName(path.AsSpan());
            if (ParseIndex(input[kind.Length..^"_input".Length]) is >= 0 and var index)
            {
                indexes.Add(index);
            }
        }

        indexes.Sort();
        return indexes;
    }

    /// <summary><c>chip/label</c>, made safe and short enough to send; null when an earlier input already has the name.</summary>
    private static string? UniqueName(string chip, string path, string kind, int index, HashSet<string> names)
    {
        var own = $"{kind}{index.ToString(CultureInfo.InvariantCulture)}";
        var label = ReadText(Path.Combine(path, $"{own}_label"));
        var name = SafeName.Clean($"{chip}/{(string.IsNullOrEmpty(label) ? own : label)}", SampleLimits.MaxSensorNameLength);
        if (names.Add(name))
        {
            return name;
        }

        // Two inputs of one chip with one label: the second keeps its label and adds its input's name.
        var qualified = SafeName.Clean($"{chip}/{label} ({own})", SampleLimits.MaxSensorNameLength);
        return names.Add(qualified) ? qualified : null;
    }

    private static long? Value(string chip, string input, Action<string, Exception> skipped)
    {
        var path = Path.Combine(chip, input);
        try
        {
            return long.Parse(File.ReadAllText(path).AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // Drivers answer EIO or ENODATA for a sensor that is absent or asleep.
            skipped(path, ex);
            return null;
        }
    }

    /// <summary>A limit is extra: one the driver cannot read is simply not reported.</summary>
    private static double? Limit(string chip, string file)
    {
        var text = ReadText(Path.Combine(chip, file));
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millidegrees) ? Celsius(millidegrees) : null;
    }

    /// <summary>To a tenth of a degree, halves away from zero (38850 is 38.9).</summary>
    private static double Celsius(long millidegrees) => Math.Round(millidegrees / 100.0, MidpointRounding.AwayFromZero) / 10;

    /// <summary>The device a chip belongs to (<c>nvme1</c>, <c>coretemp.1</c>, <c>0000:01:00.0</c>), or the chip's own directory name when it has none.</summary>
    private static string DeviceOf(string chip)
    {
        var target = new FileInfo(Path.Combine(chip, "device")).LinkTarget;
        return Path.GetFileName(target?.TrimEnd('/')) is { Length: > 0 } device ? device : Path.GetFileName(chip);
    }

    /// <summary>A small sysfs text file trimmed, or null when it is absent or unreadable.</summary>
    private static string? ReadText(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>N of <c>hwmonN</c>, so chips come in the kernel's order (hwmon2 before hwmon10).</summary>
    private static int IndexOf(string directoryName) =>
        directoryName.StartsWith("hwmon", StringComparison.Ordinal) && ParseIndex(directoryName.AsSpan(5)) is >= 0 and var index ? index : int.MaxValue;

    private static int ParseIndex(ReadOnlySpan<char> digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;

    private sealed record Chip(string Path, string Name, int Index);
}
