using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Sectors a block device read and wrote since boot; the kernel counts them in 512-byte units whatever the device's sector size.</summary>
internal readonly record struct DiskIoCounters(ulong SectorsRead, ulong SectorsWritten);

/// <summary>Block device throughput from <c>/proc/diskstats</c>, for whole devices only.</summary>
internal static class DiskIoReading
{
    private const int SectorBytes = 512;

    /// <summary>Devices in memory or behind a file, whose traffic is not disk traffic.</summary>
    private static readonly string[] VirtualPrefixes = ["loop", "ram", "zram", "fd"];

    /// <summary>
    /// Whole devices are the entries of <c>/sys/block</c> (partitions live below their disk there), which names a device
    /// with a slash in it with a '!'.
    /// </summary>
    public static IReadOnlySet<string> WholeDevices(string sysBlockDirectory) =>
        Directory.EnumerateFileSystemEntries(sysBlockDirectory)
            .Select(path => Path.GetFileName(path).Replace('!', '/'))
            .Where(name => !VirtualPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, DiskIoCounters> Parse(TextReader diskstats, IReadOnlySet<string> wholeDevices)
    {
        var devices = new Dictionary<string, DiskIoCounters>(StringComparer.Ordinal);
        while (diskstats.ReadLine() is { } line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10)
            {
                throw new FormatException("A line of /proc/diskstats has fewer than ten fields.");
            }

            if (wholeDevices.Contains(fields[2]))
            {
                devices[fields[2]] = new(Number(fields[5]), Number(fields[9]));
            }
        }

        return devices;

        static ulong Number(string field) => ulong.Parse(field, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Rates of the devices present in both readings, by name, within the server's <see cref="SampleLimits"/>; a device seen
    /// for the first time waits for the next sample.
    /// Sector counts are the kernel's <c>unsigned long</c>, <paramref name="counterBits"/> wide (<see cref="Counter.NativeBits"/>).
    /// </summary>
    public static IReadOnlyList<DiskIoMetrics> RatesSince(
        IReadOnlyDictionary<string, DiskIoCounters> earlier, IReadOnlyDictionary<string, DiskIoCounters> later, double seconds, int counterBits)
    {
        return [.. later
            .Where(device => earlier.ContainsKey(device.Key) && device.Key.Length <= SampleLimits.MaxDeviceNameLength)
            .OrderBy(device => device.Key, StringComparer.Ordinal)
            .Take(SampleLimits.MaxBlockDevices)
            .Select(device => new DiskIoMetrics
            {
                Device = device.Key,
                ReadBytesPerSec = Rate(earlier[device.Key].SectorsRead, device.Value.SectorsRead),
                WriteBytesPerSec = Rate(earlier[device.Key].SectorsWritten, device.Value.SectorsWritten),
            })];

        double Rate(ulong from, ulong to) => Counter.Rate((double)Counter.Delta(from, to, counterBits) * SectorBytes, seconds);
    }
}
