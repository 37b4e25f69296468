using System.Globalization;

namespace Monitoring.Bench.History;

/// <summary>A process's resident set size, from <c>VmRSS</c> in <c>/proc/PID/status</c> (Linux only).</summary>
public static class ResidentMemory
{
    public static string Of(IReadOnlyList<(string Name, int Pid)> processes) =>
        processes.Count == 0
            ? "(no --pid given)"
            : string.Join(", ", processes.Select(p => $"{p.Name} {(Mebibytes(p.Pid) is { } mib ? mib.ToString("0", CultureInfo.InvariantCulture) + " MiB" : "n/a")}"));

    public static double? Mebibytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kib is null ? null : long.Parse(kib, CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
