using System.Globalization;
using System.Text.RegularExpressions;
using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Api.Ingest;

/// <summary>The ingest rules: every violation is reported under the snake_case path of the field that breaks it.</summary>
public static partial class SampleValidator
{
    public const int MaxAgentNameLength = 256;
    public const int MaxNetworkChecks = 100;
    public const int MaxErrorLength = 1024;

    /// <summary>
    /// Most errors one answer lists: a megabyte of wrong values would otherwise draw an answer (and an error dictionary in
    /// memory) many times its size. Past it, <see cref="OmittedKey"/> says that more were found.
    /// </summary>
    public const int MaxListedErrors = 100;

    public const string OmittedKey = "errors_omitted";
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> CheckStatuses = new(StringComparer.Ordinal) { "up", "down", "degraded" };
    private static readonly HashSet<string> CheckKinds = new(StringComparer.Ordinal) { "icmp", "tcp", "http" };
    private static readonly HashSet<string> RaidStates = new(StringComparer.Ordinal) { "healthy", "degraded", "recovering", "inactive" };
    private const double MinDiskCelsius = -60;
    private const double MaxDiskCelsius = 200;

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    public static partial Regex AgentIdPattern();

    public static bool IsValidAgentId(string? agentId) => agentId is not null && AgentIdPattern().IsMatch(agentId);

    /// <summary>
    /// Adds the sample's violations to <paramref name="errors"/>, each field prefixed with <paramref name="prefix"/>;
    /// <paramref name="oldest"/> is the oldest timestamp raw history keeps (null: no limit).
    /// </summary>
    public static void Validate(MetricsReport sample, DateTimeOffset now, DateTimeOffset? oldest, string prefix, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => AddCapped(errors, prefix + field, message);

        if (string.IsNullOrEmpty(sample.AgentId))
        {
            Fail("agent_id", "agent_id is required.");
        }
        else if (!IsValidAgentId(sample.AgentId))
        {
            Fail("agent_id", "agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        Text(sample.AgentName, "agent_name", MaxAgentNameLength, Fail);

        if (sample.Timestamp is not { } timestamp)
        {
            Fail("timestamp", "timestamp is required (ISO 8601 with offset).");
        }
        else if (timestamp - now > MaxClockSkew)
        {
            Fail("timestamp", "timestamp is more than 5 minutes in the future; check the agent's clock.");
        }
        else if (timestamp < (oldest ?? DateTimeOffset.UnixEpoch))
        {
            Fail("timestamp", oldest is { } limit
                ? string.Create(CultureInfo.InvariantCulture, $"timestamp is older than raw history keeps (the silo's Retention:History is {now - limit:c}: nothing before {limit.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}); it would be deleted, so it was not stored.")
                : "timestamp must not be before 1970-01-01T00:00:00Z.");
        }

        if (sample.IntervalSeconds is { } interval && !(double.IsFinite(interval) && interval > 0 && interval <= 86_400))
        {
            Fail("interval_seconds", "interval_seconds must be greater than 0 and at most 86400.");
        }

        if (sample.System is not { } system)
        {
            Fail("system", "system is required.");
        }
        else
        {
            Percent(system.CpuPercent, "system.cpu_percent", Fail);
            if (system.Memory is not { } memory)
            {
                Fail("system.memory", "system.memory is required.");
            }
            else
            {
                Percent(memory.Percent, "system.memory.percent", Fail);
                Bytes(memory.Total, "system.memory.total", Fail);
                Bytes(memory.Available, "system.memory.available", Fail);
                Bytes(memory.Used, "system.memory.used", Fail);
            }

            if (system.Disk is not { } disk)
            {
                Fail("system.disk", "system.disk is required.");
            }
            else
            {
                Percent(disk.Percent, "system.disk.percent", Fail);
                Bytes(disk.Total, "system.disk.total", Fail);
                Bytes(disk.Used, "system.disk.used", Fail);
                Bytes(disk.Free, "system.disk.free", Fail);
            }

            Detail(system, now, Fail);
        }

        if (sample.Agent is { } agent)
        {
            Text(agent.Version, "agent.version", SampleLimits.MaxAgentTextLength, Fail);
            Text(agent.Os, "agent.os", SampleLimits.MaxAgentTextLength, Fail);
            Text(agent.SpoolError, "agent.spool_error", SampleLimits.MaxSpoolErrorLength, Fail);
        }

        if (sample.Network is { } checks)
        {
            if (checks.Count > MaxNetworkChecks)
            {
                Fail("network", $"network may hold at most {MaxNetworkChecks} checks.");
            }
            else
            {
                for (var i = 0; i < checks.Count; i++)
                {
                    Check(checks[i], $"network[{i}]", Fail);
                }
            }
        }
    }

    /// <summary>The optional detail beyond the seed's shape: each part is checked only when the agent sent it.</summary>
    private static void Detail(SystemMetrics system, DateTimeOffset now, Action<string, string> fail)
    {
        if (system.Cpu is { } cpu)
        {
            if (cpu.Count is { } count && count is < 1 or > SampleLimits.MaxCpuCores)
            {
                fail("system.cpu.count", $"system.cpu.count must be from 1 to {SampleLimits.MaxCpuCores}.");
            }

            if (cpu.PerCore is { Count: > SampleLimits.MaxCpuCores })
            {
                fail("system.cpu.per_core", $"system.cpu.per_core may hold at most {SampleLimits.MaxCpuCores} values.");
            }
            else
            {
                for (var i = 0; i < (cpu.PerCore?.Count ?? 0); i++)
                {
                    OptionalPercent(cpu.PerCore![i], $"system.cpu.per_core[{i}]", fail);
                }
            }

            OptionalPercent(cpu.User, "system.cpu.user", fail);
            OptionalPercent(cpu.System, "system.cpu.system", fail);
            OptionalPercent(cpu.Iowait, "system.cpu.iowait", fail);
            OptionalPercent(cpu.Steal, "system.cpu.steal", fail);
        }

        if (system.Load is { } load)
        {
            NonNegative(load.Load1, "system.load.load1", fail);
            NonNegative(load.Load5, "system.load.load5", fail);
            NonNegative(load.Load15, "system.load.load15", fail);
        }

        if (system.Swap is { } swap)
        {
            Bytes(swap.Total, "system.swap.total", fail);
            Bytes(swap.Used, "system.swap.used", fail);
            Bytes(swap.Free, "system.swap.free", fail);
            OptionalPercent(swap.Percent, "system.swap.percent", fail);
        }

        Items(system.Disks, "system.disks", SampleLimits.MaxMounts, static m => m.Mount, "mount", SampleLimits.MaxMountPathLength, fail, static (mount, path, fail) =>
        {
            Text(mount.Device, $"{path}.device", SampleLimits.MaxMountDeviceLength, fail);
            Text(mount.FsType, $"{path}.fs_type", SampleLimits.MaxFsTypeLength, fail);
            Bytes(mount.Total, $"{path}.total", fail);
            Bytes(mount.Used, $"{path}.used", fail);
            Bytes(mount.Free, $"{path}.free", fail);
            OptionalPercent(mount.Percent, $"{path}.percent", fail);
            OptionalPercent(mount.InodesPercent, $"{path}.inodes_percent", fail);
        });

        Items(system.DiskIo, "system.disk_io", SampleLimits.MaxBlockDevices, static d => d.Device, "device", SampleLimits.MaxDeviceNameLength, fail, static (device, path, fail) =>
        {
            NonNegative(device.ReadBytesPerSec, $"{path}.read_bytes_per_sec", fail);
            NonNegative(device.WriteBytesPerSec, $"{path}.write_bytes_per_sec", fail);
        });

        Items(system.Interfaces, "system.interfaces", SampleLimits.MaxInterfaces, static n => n.Name, "name", SampleLimits.MaxInterfaceNameLength, fail, static (nic, path, fail) =>
        {
            NonNegative(nic.RxBytesPerSec, $"{path}.rx_bytes_per_sec", fail);
            NonNegative(nic.TxBytesPerSec, $"{path}.tx_bytes_per_sec", fail);
            NonNegative(nic.RxPacketsPerSec, $"{path}.rx_packets_per_sec", fail);
            NonNegative(nic.TxPacketsPerSec, $"{path}.tx_packets_per_sec", fail);
            NonNegative(nic.RxErrorsPerSec, $"{path}.rx_errors_per_sec", fail);
            NonNegative(nic.TxErrorsPerSec, $"{path}.tx_errors_per_sec", fail);
            NonNegative(nic.RxDropsPerSec, $"{path}.rx_drops_per_sec", fail);
            NonNegative(nic.TxDropsPerSec, $"{path}.tx_drops_per_sec", fail);
        });

        DiskHealth(system.DiskHealth, fail);
        Items(system.Services, "system.services", SampleLimits.MaxServices, static s => s.Unit, "unit", SampleLimits.MaxUnitNameLength, fail, static (service, path, fail) =>
        {
            Text(service.ActiveState, $"{path}.active_state", SampleLimits.MaxHealthTextLength, fail);
            Text(service.SubState, $"{path}.sub_state", SampleLimits.MaxHealthTextLength, fail);
            Bytes(service.Restarts, $"{path}.restarts", fail);
        });

        NonNegative(system.UptimeSeconds, "system.uptime_seconds", fail);
        if (system.Sensors is { } sensors)
        {
            Sensors(sensors, fail);
        }

        if (system.Processes is { } processes)
        {
            NonNegative(processes.Total, "system.processes.total", fail);
            Processes(processes.ByCpu, "system.processes.by_cpu", fail);
            Processes(processes.ByMemory, "system.processes.by_memory", fail);
        }

        if (system.BootTime is { } bootTime && bootTime - now > MaxClockSkew)
        {
            fail("system.boot_time", "system.boot_time is in the future; check the agent's clock.");
        }
    }

    private static void Sensors(SensorMetrics sensors, Action<string, string> fail)
    {
        Items(sensors.Temperatures, "system.sensors.temperatures", SampleLimits.MaxTemperatures, static t => t.Name, "name", SampleLimits.MaxSensorNameLength, fail, static (temperature, path, fail) =>
        {
            Finite(temperature.Celsius, $"{path}.celsius", fail);
            Finite(temperature.HighCelsius, $"{path}.high_celsius", fail);
            Finite(temperature.CriticalCelsius, $"{path}.critical_celsius", fail);
        });

        Items(sensors.Fans, "system.sensors.fans", SampleLimits.MaxFans, static f => f.Name, "name", SampleLimits.MaxSensorNameLength, fail, static (fan, path, fail) =>
            NonNegative(fan.Rpm, $"{path}.rpm", fail));

        NonNegative(sensors.CpuFrequencyMhz, "system.sensors.cpu_frequency_mhz", fail);
        NonNegative(sensors.CpuThrottleCount, "system.sensors.cpu_throttle_count", fail);
        NonNegative(sensors.PackageThrottleCount, "system.sensors.package_throttle_count", fail);
    }

    /// <summary>A top-processes list: bounded, each process once; names are shown only, so none is required.</summary>
    private static void Processes(IReadOnlyList<ProcessMetrics?>? processes, string path, Action<string, string> fail)
    {
        if (processes is null)
        {
            return;
        }

        if (processes.Count > SampleLimits.MaxTopProcesses)
        {
            fail(path, $"{path} may hold at most {SampleLimits.MaxTopProcesses} entries.");
            return;
        }

        var pids = new HashSet<int>();
        for (var i = 0; i < processes.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (processes[i] is not { } process)
            {
                fail(itemPath, $"{itemPath} must be an object.");
                continue;
            }

            if (process.Pid is not { } pid || pid < 1)
            {
                fail($"{itemPath}.pid", $"{itemPath}.pid must be a process id of at least 1.");
            }
            else if (!pids.Add(pid))
            {
                fail($"{itemPath}.pid", $"{itemPath}.pid {pid} appears more than once in {path}.");
            }

            Text(process.Name, $"{itemPath}.name", SampleLimits.MaxProcessNameLength, fail);
            if (process.CpuPercent is { } cpu && !(double.IsFinite(cpu) && cpu is >= 0 and <= SampleLimits.MaxProcessCpuPercent))
            {
                fail($"{itemPath}.cpu_percent", $"{itemPath}.cpu_percent must be a number from 0 to {SampleLimits.MaxProcessCpuPercent} (100 per CPU).");
            }

            Bytes(process.RssBytes, $"{itemPath}.rss_bytes", fail);
        }
    }

    private static void DiskHealth(DiskHealth? health, Action<string, string> fail)
    {
        Items(health?.Smart, "system.disk_health.smart", SampleLimits.MaxSmartDisks, static d => d.Device, "device", SampleLimits.MaxDeviceNameLength, fail, static (disk, path, fail) =>
        {
            Text(disk.Model, $"{path}.model", SampleLimits.MaxHealthTextLength, fail);
            Text(disk.Serial, $"{path}.serial", SampleLimits.MaxHealthTextLength, fail);
            Text(disk.Protocol, $"{path}.protocol", SampleLimits.MaxHealthTextLength, fail);
            if (disk.TemperatureCelsius is { } celsius && !(double.IsFinite(celsius) && celsius is >= MinDiskCelsius and <= MaxDiskCelsius))
            {
                fail($"{path}.temperature_celsius", $"{path}.temperature_celsius must be a number from {MinDiskCelsius} to {MaxDiskCelsius}.");
            }

            Bytes(disk.PowerOnHours, $"{path}.power_on_hours", fail);
            Bytes(disk.ReallocatedSectors, $"{path}.reallocated_sectors", fail);
            Bytes(disk.PendingSectors, $"{path}.pending_sectors", fail);

            // NVMe counts past 100 when the rated endurance is exceeded, up to 255.
            if (disk.PercentageUsed is { } used && !(double.IsFinite(used) && used is >= 0 and <= 255))
            {
                fail($"{path}.percentage_used", $"{path}.percentage_used must be a number from 0 to 255.");
            }
        });

        Items(health?.Raid, "system.disk_health.raid", SampleLimits.MaxRaidArrays, static a => a.Name, "name", SampleLimits.MaxDeviceNameLength, fail, static (array, path, fail) =>
        {
            Text(array.Level, $"{path}.level", SampleLimits.MaxHealthTextLength, fail);
            if (array.State is { } state && !RaidStates.Contains(state))
            {
                fail($"{path}.state", $"{path}.state must be 'healthy', 'degraded', 'recovering' or 'inactive' when given.");
            }

            if (array.TotalDisks is < 0)
            {
                fail($"{path}.total_disks", $"{path}.total_disks must not be negative.");
            }

            if (array.FailedDisks is { } failed && (failed < 0 || (array.TotalDisks is >= 0 and var total && failed > total)))
            {
                fail($"{path}.failed_disks", $"{path}.failed_disks must be from 0 to total_disks.");
            }

            OptionalPercent(array.RecoveryPercent, $"{path}.recovery_percent", fail);
        });
    }

    /// <summary>
    /// A bounded list of named things: each needs its name, unique within the list, because the name is what its history
    /// series are called by (<c>disk[/home].percent</c>).
    /// </summary>
    private static void Items<T>(
        IReadOnlyList<T?>? items, string path, int maxCount, Func<T, string?> name, string nameField, int maxNameLength,
        Action<string, string> fail, Action<T, string, Action<string, string>> check)
        where T : class
    {
        if (items is null)
        {
            return;
        }

        if (items.Count > maxCount)
        {
            fail(path, $"{path} may hold at most {maxCount} entries.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items[i] is not { } item)
            {
                fail(itemPath, $"{itemPath} must be an object.");
                continue;
            }

            var namePath = $"{itemPath}.{nameField}";
            if (string.IsNullOrWhiteSpace(name(item)))
            {
                fail(namePath, $"{namePath} is required.");
            }
            else if (!names.Add(name(item)!))
            {
                fail(namePath, $"{namePath} '{name(item)}' appears more than once in {path}.");
            }

            Text(name(item), namePath, maxNameLength, fail);
            check(item, itemPath, fail);
        }
    }

    /// <summary>Adds an error while fewer than <see cref="MaxListedErrors"/> are listed; past that, notes once that more were left out.</summary>
    public static void AddCapped(Dictionary<string, string[]> errors, string field, string message)
    {
        if (errors.Count < MaxListedErrors)
        {
            errors[field] = [message];
        }
        else
        {
            errors.TryAdd(OmittedKey, [$"More errors were found; only the first {MaxListedErrors} are listed."]);
        }
    }

    private static void Text(string? value, string field, int maxLength, Action<string, string> fail)
    {
        if (value is { } text && text.Length > maxLength)
        {
            fail(field, $"{field} must be at most {maxLength} characters.");
        }
        else if (TextRules.HasUnsafeCharacter(value))
        {
            fail(field, $"{field} {TextRules.UnsafeMessage}");
        }
    }

    private static void OptionalPercent(double? value, string field, Action<string, string> fail)
    {
        if (value is { } percent && (!double.IsFinite(percent) || percent is < 0 or > 100))
        {
            fail(field, $"{field} must be a number from 0 to 100.");
        }
    }

    private static void NonNegative(double? value, string field, Action<string, string> fail)
    {
        if (value is { } number && !(double.IsFinite(number) && number >= 0))
        {
            fail(field, $"{field} must be a non-negative number.");
        }
    }

    private static void Finite(double? value, string field, Action<string, string> fail)
    {
        if (value is { } number && !double.IsFinite(number))
        {
            fail(field, $"{field} must be a finite number.");
        }
    }

    private static void Check(NetworkCheck? check, string path, Action<string, string> fail)
    {
        if (check is null)
        {
            fail(path, "A network check must be an object.");
            return;
        }

        if (string.IsNullOrWhiteSpace(check.Host) == string.IsNullOrWhiteSpace(check.Url))
        {
            fail(path, "A network check names either a host or a url.");
        }

        Text(check.Host, $"{path}.host", 255, fail);
        Text(check.Url, $"{path}.url", 2048, fail);

        if (check.Port is { } port && port is < 0 or > 65535)
        {
            fail($"{path}.port", "port must be between 0 and 65535.");
        }

        if (check.StatusCode is { } code && code is < 100 or > 599)
        {
            fail($"{path}.status_code", "status_code must be an HTTP status between 100 and 599.");
        }

        if (check.Status is null || !CheckStatuses.Contains(check.Status))
        {
            fail($"{path}.status", "status must be 'up', 'down' or 'degraded'.");
        }

        if (check.Kind is { } kind && !CheckKinds.Contains(kind))
        {
            fail($"{path}.kind", "kind must be 'icmp', 'tcp' or 'http' when given.");
        }

        if (check.LatencyMs is { } latency && !(double.IsFinite(latency) && latency >= 0))
        {
            fail($"{path}.latency_ms", "latency_ms must be a non-negative number.");
        }

        if (check.Error is { Length: > MaxErrorLength })
        {
            fail($"{path}.error", $"error must be at most {MaxErrorLength} characters.");
        }
    }

    private static void Percent(double? value, string field, Action<string, string> fail)
    {
        if (value is not { } percent)
        {
            fail(field, $"{field} is required.");
        }
        else if (!double.IsFinite(percent) || percent is < 0 or > 100)
        {
            fail(field, $"{field} must be a number from 0 to 100.");
        }
    }

    private static void Bytes(long? value, string field, Action<string, string> fail)
    {
        if (value is < 0)
        {
            fail(field, $"{field} must not be negative.");
        }
    }
}
