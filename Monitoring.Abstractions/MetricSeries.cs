using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Abstractions;

/// <summary>
/// The names of every numeric value a sample carries, shared by history (the <c>series</c> of a history answer), alert
/// rules and the dashboard. Headline values keep the seed's names (<c>cpu_percent</c>, <c>memory.percent</c>,
/// <c>disk.percent</c>); values of one of several things name it in brackets: <c>cpu.core[0]</c>,
/// <c>disk[/home].percent</c>, <c>diskio[sda].read_bytes_per_sec</c>, <c>net[eth0].rx_bytes_per_sec</c>,
/// <c>check[db.internal:5432].latency_ms</c>, <c>check[https://example.org/health].reachable</c> (1 or 0),
/// <c>temp[coretemp/Package id 0].celsius</c>, <c>fan[nct6798/fan2].rpm</c>, <c>smart[sda].healthy</c>, <c>raid[md0].degraded</c>,
/// <c>service[nginx.service].active</c>. Top processes are no series: their names are too many and too short-lived.
/// </summary>
public static class MetricSeries
{
    public const string CpuPercent = "cpu_percent";
    public const string MemoryPercent = "memory.percent";
    public const string DiskPercent = "disk.percent";

    /// <summary>The names of the headline values, which every sample has.</summary>
    public static IReadOnlyList<string> Headline { get; } = [CpuPercent, MemoryPercent, DiskPercent];

    /// <summary>Every numeric value of the sample under its series name, headline values first.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Flatten(MetricsReport sample)
    {
        foreach (var value in Headlines(sample))
        {
            yield return value;
        }

        foreach (var value in Detail(sample))
        {
            yield return value;
        }

        foreach (var value in Checks(sample))
        {
            yield return value;
        }
    }

    /// <summary>The sample's headline values: <c>cpu_percent</c>, <c>memory.percent</c>, <c>disk.percent</c>.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Headlines(MetricsReport sample)
    {
        if (sample.System is not { } system)
        {
            yield break;
        }

        if (system.CpuPercent is { } cpu)
        {
            yield return new(CpuPercent, cpu);
        }

        if (system.Memory?.Percent is { } memory)
        {
            yield return new(MemoryPercent, memory);
        }

        if (system.Disk?.Percent is { } disk)
        {
            yield return new(DiskPercent, disk);
        }
    }

    /// <summary>Every numeric value of the system detail and the agent's health: CPU detail, load, swap, mounts, devices, interfaces.</summary>
    public static IReadOnlyList<KeyValuePair<string, double>> Detail(MetricsReport sample)
    {
        var values = new List<KeyValuePair<string, double>>();
        void Add(string name, double? value)
        {
            if (value is { } v)
            {
                values.Add(new(name, v));
            }
        }

        if (sample.System is { } system)
        {
            if (system.Cpu is { } cpu)
            {
                Add("cpu.count", cpu.Count);
                Add("cpu.user", cpu.User);
                Add("cpu.system", cpu.System);
                Add("cpu.iowait", cpu.Iowait);
                Add("cpu.steal", cpu.Steal);
                for (var core = 0; core < (cpu.PerCore?.Count ?? 0); core++)
                {
                    Add($"cpu.core[{core.ToString(CultureInfo.InvariantCulture)}]", cpu.PerCore![core]);
                }
            }

            Add("load.load1", system.Load?.Load1);
            Add("load.load5", system.Load?.Load5);
            Add("load.load15", system.Load?.Load15);
            Add("memory.total", system.Memory?.Total);
            Add("memory.used", system.Memory?.Used);
            Add("memory.available", system.Memory?.Available);
            Add("swap.total", system.Swap?.Total);
            Add("swap.used", system.Swap?.Used);
            Add("swap.percent", system.Swap?.Percent);
            Add("uptime_seconds", system.UptimeSeconds);

            foreach (var mount in system.Disks ?? [])
            {
                var prefix = $"disk[{mount.Mount}].";
                Add(prefix + "total", mount.Total);
                Add(prefix + "used", mount.Used);
                Add(prefix + "free", mount.Free);
                Add(prefix + "percent", mount.Percent);
                Add(prefix + "inodes_percent", mount.InodesPercent);
            }

            foreach (var device in system.DiskIo ?? [])
            {
                var prefix = $"diskio[{device.Device}].";
                Add(prefix + "read_bytes_per_sec", device.ReadBytesPerSec);
                Add(prefix + "write_bytes_per_sec", device.WriteBytesPerSec);
            }

            foreach (var nic in system.Interfaces ?? [])
            {
                var prefix = $"net[{nic.Name}].";
                Add(prefix + "rx_bytes_per_sec", nic.RxBytesPerSec);
                Add(prefix + "tx_bytes_per_sec", nic.TxBytesPerSec);
                Add(prefix + "rx_packets_per_sec", nic.RxPacketsPerSec);
                Add(prefix + "tx_packets_per_sec", nic.TxPacketsPerSec);
                Add(prefix + "rx_errors_per_sec", nic.RxErrorsPerSec);
                Add(prefix + "tx_errors_per_sec", nic.TxErrorsPerSec);
                Add(prefix + "rx_drops_per_sec", nic.RxDropsPerSec);
                Add(prefix + "tx_drops_per_sec", nic.TxDropsPerSec);
            }

            if (system.Sensors is { } sensors)
            {
                foreach (var temperature in sensors.Temperatures ?? [])
                {
                    Add($"temp[{temperature.Name}].celsius", temperature.Celsius);
                }

                foreach (var fan in sensors.Fans ?? [])
                {
                    Add($"fan[{fan.Name}].rpm", fan.Rpm);
                }

                Add("cpu.frequency_mhz", sensors.CpuFrequencyMhz);
                Add("cpu.throttle_count", sensors.CpuThrottleCount);
                Add("cpu.package_throttle_count", sensors.PackageThrottleCount);
            }

            Add("processes.total", system.Processes?.Total);
            DiskHealth(system, Add);
            Services(system, Add);
        }

        if (sample.Agent is { } agent)
        {
            Add("agent.spool_depth", agent.SpoolDepth);
            Add("agent.spool_memory_samples", agent.SpoolMemorySamples);
            Add("agent.oldest_unsent_seconds", agent.OldestUnsentSeconds);
            Add("agent.dropped_total", agent.DroppedTotal);
            Add("agent.rejected_total", agent.RejectedTotal);
            Add("agent.clock_offset_ms", agent.ClockOffsetMs);
        }

        return values;
    }

    /// <summary>
    /// S.M.A.R.T. per disk (<c>smart[sda].healthy</c> 1 or 0, <c>.temperature_celsius</c>, <c>.power_on_hours</c>,
    /// <c>.reallocated_sectors</c>, <c>.pending_sectors</c>, <c>.percentage_used</c>) and mdraid per array
    /// (<c>raid[md0].degraded</c> 1 or 0, <c>.failed_disks</c>, <c>.total_disks</c>, <c>.recovery_percent</c>).
    /// </summary>
    private static void DiskHealth(SystemMetrics system, Action<string, double?> add)
    {
        foreach (var disk in system.DiskHealth?.Smart ?? [])
        {
            var prefix = $"smart[{disk.Device}].";
            add(prefix + "healthy", disk.Healthy is { } healthy ? (healthy ? 1 : 0) : null);
            add(prefix + "temperature_celsius", disk.TemperatureCelsius);
            add(prefix + "power_on_hours", disk.PowerOnHours);
            add(prefix + "reallocated_sectors", disk.ReallocatedSectors);
            add(prefix + "pending_sectors", disk.PendingSectors);
            add(prefix + "percentage_used", disk.PercentageUsed);
        }

        foreach (var array in system.DiskHealth?.Raid ?? [])
        {
            var prefix = $"raid[{array.Name}].";
            add(prefix + "degraded", array.FailedDisks is { } failed ? (failed > 0 ? 1 : 0) : null);
            add(prefix + "failed_disks", array.FailedDisks);
            add(prefix + "total_disks", array.TotalDisks);
            add(prefix + "recovery_percent", array.RecoveryPercent);
        }
    }

    /// <summary>Per systemd unit: <c>service[nginx.service].active</c> and <c>.failed</c> (1 or 0) and <c>.restarts</c>.</summary>
    private static void Services(SystemMetrics system, Action<string, double?> add)
    {
        foreach (var service in system.Services ?? [])
        {
            var prefix = $"service[{service.Unit}].";
            add(prefix + "active", service.ActiveState is null ? null : IsActive(service.ActiveState) ? 1 : 0);
            add(prefix + "failed", service.ActiveState is null ? null : service.ActiveState == "failed" ? 1 : 0);
            add(prefix + "restarts", service.Restarts);
        }
    }

    /// <summary>A unit that runs, including while it reloads its configuration.</summary>
    private static bool IsActive(string? activeState) => activeState is "active" or "reloading" or "refreshing";

    /// <summary>Each network check's latency (when measured) and reachability (1 when up or degraded, else 0).</summary>
    public static IEnumerable<KeyValuePair<string, double>> Checks(MetricsReport sample) =>
        (sample.Network ?? []).SelectMany(Check);

    public static IEnumerable<KeyValuePair<string, double>> Check(NetworkCheck check)
    {
        var prefix = $"check[{CheckTarget(check)}].";
        if (check.LatencyMs is { } latency)
        {
            yield return new(prefix + "latency_ms", latency);
        }

        yield return new(prefix + "reachable", check.Status is "up" or "degraded" ? 1 : 0);
    }

    /// <summary>The name a check's series carry: its URL, <c>host:port</c>, or the host alone for ICMP.</summary>
    public static string CheckTarget(NetworkCheck check) =>
        check.Url ?? (check.Port is { } port ? $"{check.Host}:{port.ToString(CultureInfo.InvariantCulture)}" : check.Host ?? "");
}
