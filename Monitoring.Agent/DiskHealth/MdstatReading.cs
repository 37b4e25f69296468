using System.Globalization;
using System.Text.RegularExpressions;
using Monitoring.Contracts;

namespace Monitoring.Agent.DiskHealth;

/// <summary>Reads the Linux software RAID arrays of <c>/proc/mdstat</c>.</summary>
internal static partial class MdstatReading
{
    /// <summary>Operations that restore or rebuild redundancy; a <c>check</c> or <c>repair</c> (a routine scrub) is not one.</summary>
    private static readonly HashSet<string> Recoveries = new(StringComparer.Ordinal) { "recovery", "resync", "reshape" };

    public static IReadOnlyList<RaidArray> Parse(TextReader mdstat)
    {
        var arrays = new List<RaidArray>();
        ArrayLines? current = null;
        while (mdstat.ReadLine() is { } line)
        {
            if (ArrayLine().Match(line) is { Success: true } header)
            {
                Add(arrays, current);
                var members = header.Groups["members"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                current = new ArrayLines(
                    header.Groups["name"].Value,
                    header.Groups["level"].Success ? header.Groups["level"].Value : null,
                    header.Groups["state"].Value == "inactive",
                    // Spares (S) are not part of the array until they replace a disk.
                    members.Count(member => !member.EndsWith("(S)", StringComparison.Ordinal)),
                    members.Count(member => member.Contains("(F)", StringComparison.Ordinal)));
            }
            else if (current is null)
            {
                continue;
            }
            else if (DiskCounts().Match(line) is { Success: true } counts)
            {
                current = current with
                {
                    Total = int.Parse(counts.Groups["total"].Value, CultureInfo.InvariantCulture),
                    Failed = int.Parse(counts.Groups["total"].Value, CultureInfo.InvariantCulture) - int.Parse(counts.Groups["working"].Value, CultureInfo.InvariantCulture),
                };
            }
            else if (Progress().Match(line) is { Success: true } progress && Recoveries.Contains(progress.Groups["operation"].Value))
            {
                current = current with
                {
                    Recovering = true,
                    Percent = progress.Groups["percent"].Success ? double.Parse(progress.Groups["percent"].Value, CultureInfo.InvariantCulture) : null,
                };
            }
            else if (string.IsNullOrWhiteSpace(line))
            {
                Add(arrays, current);
                current = null;
            }
        }

        Add(arrays, current);
        return arrays;
    }

    private static void Add(List<RaidArray> arrays, ArrayLines? array)
    {
        if (array is null)
        {
            return;
        }

        arrays.Add(new RaidArray
        {
            Name = array.Name,
            Level = array.Level,
            State = array.Inactive ? "inactive" : array.Recovering ? "recovering" : array.Failed > 0 ? "degraded" : "healthy",
            TotalDisks = array.Total,
            FailedDisks = array.Failed,
            RecoveryPercent = array.Percent,
        });
    }

    /// <summary><c>md0 : active raid1 sdb1[1] sda1[0](F)</c>, <c>md1 : active (auto-read-only) raid5 ...</c>, <c>md127 : inactive sdc[0](S)</c>.</summary>
    [GeneratedRegex(@"^(?<name>md\S+)\s*:\s*(?<state>active|inactive)(\s+\([^)]*\))*(\s+(?<level>raid\d+|linear|multipath|faulty))?(?<members>(\s+\S+\[\d+\](\([A-Z]\))*)*)\s*$")]
    private static partial Regex ArrayLine();

    /// <summary>The status line's <c>[2/1]</c>: disks the array has, and of them working.</summary>
    [GeneratedRegex(@"\[(?<total>\d+)/(?<working>\d+)\]")]
    private static partial Regex DiskCounts();

    /// <summary><c>recovery = 12.6% (...)</c>, <c>resync=DELAYED</c>, <c>check = 1.0%</c>.</summary>
    [GeneratedRegex(@"\b(?<operation>recovery|resync|reshape|check|repair)\s*=\s*((?<percent>\d+(\.\d+)?)%|[A-Z]+)")]
    private static partial Regex Progress();

    /// <summary>An array as its lines are read; raid0 and linear arrays have no <c>[n/m]</c> and count their members.</summary>
    private sealed record ArrayLines(string Name, string? Level, bool Inactive, int Total, int Failed)
    {
        public bool Recovering { get; init; }

        public double? Percent { get; init; }
    }
}
