using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Counters of one network interface since it came up, in <c>/proc/net/dev</c>'s order.</summary>
internal readonly record struct InterfaceCounters(
    ulong RxBytes, ulong RxPackets, ulong RxErrors, ulong RxDrops, ulong TxBytes, ulong TxPackets, ulong TxErrors, ulong TxDrops);

/// <summary>Network interface rates from <c>/proc/net/dev</c>, loopback left out.</summary>
internal static class InterfaceReading
{
    /// <summary>The kernel has kept 64-bit interface counters since 2.6.36, on 32-bit machines too.</summary>
    public const int CounterBits = 64;

    private const string Loopback = "lo";

    public static IReadOnlyDictionary<string, InterfaceCounters> Parse(TextReader netDev)
    {
        var interfaces = new Dictionary<string, InterfaceCounters>(StringComparer.Ordinal);
        while (netDev.ReadLine() is { } line)
        {
            // The two header lines have a '|' where an interface line has its colon.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || line.Contains('|', StringComparison.Ordinal))
            {
                continue;
            }

            var name = line[..colon].Trim();
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 16)
            {
                throw new FormatException($"Interface {name} in /proc/net/dev has fewer than 16 counters.");
            }

            if (name != Loopback)
            {
                interfaces[name] = new(N(0), N(1), N(2), N(3), N(8), N(9), N(10), N(11));
            }

            ulong N(int index) => ulong.Parse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return interfaces;
    }

    /// <summary>Rates of the interfaces present in both readings, by name, within the server's <see cref="SampleLimits"/>; an interface seen for the first time waits for the next sample.</summary>
    public static IReadOnlyList<InterfaceMetrics> RatesSince(
        IReadOnlyDictionary<string, InterfaceCounters> earlier, IReadOnlyDictionary<string, InterfaceCounters> later, double seconds)
    {
        return [.. later
            .Where(nic => earlier.ContainsKey(nic.Key) && nic.Key.Length <= SampleLimits.MaxInterfaceNameLength)
            .OrderBy(nic => nic.Key, StringComparer.Ordinal)
            .Take(SampleLimits.MaxInterfaces)
            .Select(nic =>
            {
                var (from, to) = (earlier[nic.Key], nic.Value);
                return new InterfaceMetrics
                {
                    Name = nic.Key,
                    RxBytesPerSec = Rate(from.RxBytes, to.RxBytes),
                    TxBytesPerSec = Rate(from.TxBytes, to.TxBytes),
                    RxPacketsPerSec = Rate(from.RxPackets, to.RxPackets),
                    TxPacketsPerSec = Rate(from.TxPackets, to.TxPackets),
                    RxErrorsPerSec = Rate(from.RxErrors, to.RxErrors),
                    TxErrorsPerSec = Rate(from.TxErrors, to.TxErrors),
                    RxDropsPerSec = Rate(from.RxDrops, to.RxDrops),
                    TxDropsPerSec = Rate(from.TxDrops, to.TxDrops),
                };
            })];

        double Rate(ulong from, ulong to) => Counter.Rate(Counter.Delta(from, to, CounterBits), seconds);
    }
}
