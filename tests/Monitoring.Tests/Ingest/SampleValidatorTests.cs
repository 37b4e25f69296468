using System.Text.Json;
using Monitoring.Api.Ingest;
using Monitoring.Contracts;

namespace Monitoring.Tests.Ingest;

/// <summary>The ingest rules alone, at a fixed time: each rejection is named by its field, each limit is accepted at the limit itself.</summary>
public sealed class SampleValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Each rule as the edit that breaks a valid detailed sample and the field the error must be keyed under.</summary>
    private static readonly Dictionary<string, (string Field, Func<MetricsReport, MetricsReport> Break)> Violations = new()
    {
        ["agent_id with a space"] = ("agent_id", s => s with { AgentId = "web 01" }),
        ["agent_id with a slash"] = ("agent_id", s => s with { AgentId = "web/01" }),
        ["agent_id of 65 characters"] = ("agent_id", s => s with { AgentId = new string('a', 65) }),
        ["agent_id with a final newline"] = ("agent_id", s => s with { AgentId = "web-01\n" }),
        ["agent_name of 257 characters"] = ("agent_name", s => s with { AgentName = new string('n', 257) }),
        ["agent_name with a control character"] = ("agent_name", s => s with { AgentName = "web\u0007" }),
        ["agent_name with a bidi override"] = ("agent_name", s => s with { AgentName = "web-\u202E10" }),
        ["agent_name with a zero-width space"] = ("agent_name", s => s with { AgentName = "web\u200B01" }),
        ["interval_seconds 0"] = ("interval_seconds", s => s with { IntervalSeconds = 0 }),
        ["interval_seconds negative"] = ("interval_seconds", s => s with { IntervalSeconds = -60 }),
        ["interval_seconds over a day"] = ("interval_seconds", s => s with { IntervalSeconds = 86_400.001 }),
        ["interval_seconds NaN"] = ("interval_seconds", s => s with { IntervalSeconds = double.NaN }),
        ["cpu_percent above 100"] = ("system.cpu_percent", s => System(s, m => m with { CpuPercent = 100.001 })),
        ["cpu_percent below 0"] = ("system.cpu_percent", s => System(s, m => m with { CpuPercent = -0.001 })),
        ["cpu_percent NaN"] = ("system.cpu_percent", s => System(s, m => m with { CpuPercent = double.NaN })),
        ["cpu_percent infinite"] = ("system.cpu_percent", s => System(s, m => m with { CpuPercent = double.PositiveInfinity })),
        ["memory percent above 100"] = ("system.memory.percent", s => System(s, m => m with { Memory = m.Memory! with { Percent = 101 } })),
        ["memory total negative"] = ("system.memory.total", s => System(s, m => m with { Memory = m.Memory! with { Total = -1 } })),
        ["memory available negative"] = ("system.memory.available", s => System(s, m => m with { Memory = m.Memory! with { Available = -1 } })),
        ["memory used negative"] = ("system.memory.used", s => System(s, m => m with { Memory = m.Memory! with { Used = -1 } })),
        ["disk percent negative"] = ("system.disk.percent", s => System(s, m => m with { Disk = m.Disk! with { Percent = -1 } })),
        ["disk total negative"] = ("system.disk.total", s => System(s, m => m with { Disk = m.Disk! with { Total = -1 } })),
        ["disk used negative"] = ("system.disk.used", s => System(s, m => m with { Disk = m.Disk! with { Used = -1 } })),
        ["disk free negative"] = ("system.disk.free", s => System(s, m => m with { Disk = m.Disk! with { Free = -1 } })),
        ["cpu count 0"] = ("system.cpu.count", s => System(s, m => m with { Cpu = m.Cpu! with { Count = 0 } })),
        ["cpu count over the core limit"] = ("system.cpu.count", s => System(s, m => m with { Cpu = m.Cpu! with { Count = SampleLimits.MaxCpuCores + 1 } })),
        ["per-core percent above 100"] = ("system.cpu.per_core[1]", s => System(s, m => m with { Cpu = m.Cpu! with { PerCore = [10, 100.5] } })),
        ["per-core values over the core limit"] = ("system.cpu.per_core", s => System(s, m => m with { Cpu = m.Cpu! with { PerCore = [.. Enumerable.Repeat(1.0, SampleLimits.MaxCpuCores + 1)] } })),
        ["cpu user negative"] = ("system.cpu.user", s => System(s, m => m with { Cpu = m.Cpu! with { User = -1 } })),
        ["cpu system above 100"] = ("system.cpu.system", s => System(s, m => m with { Cpu = m.Cpu! with { System = 101 } })),
        ["cpu iowait NaN"] = ("system.cpu.iowait", s => System(s, m => m with { Cpu = m.Cpu! with { Iowait = double.NaN } })),
        ["cpu steal negative"] = ("system.cpu.steal", s => System(s, m => m with { Cpu = m.Cpu! with { Steal = -0.1 } })),
        ["load1 negative"] = ("system.load.load1", s => System(s, m => m with { Load = m.Load! with { Load1 = -0.1 } })),
        ["load5 NaN"] = ("system.load.load5", s => System(s, m => m with { Load = m.Load! with { Load5 = double.NaN } })),
        ["load15 infinite"] = ("system.load.load15", s => System(s, m => m with { Load = m.Load! with { Load15 = double.PositiveInfinity } })),
        ["swap total negative"] = ("system.swap.total", s => System(s, m => m with { Swap = m.Swap! with { Total = -1 } })),
        ["swap used negative"] = ("system.swap.used", s => System(s, m => m with { Swap = m.Swap! with { Used = -1 } })),
        ["swap free negative"] = ("system.swap.free", s => System(s, m => m with { Swap = m.Swap! with { Free = -1 } })),
        ["swap percent above 100"] = ("system.swap.percent", s => System(s, m => m with { Swap = m.Swap! with { Percent = 250 } })),
        ["mount that is null"] = ("system.disks[0]", s => System(s, m => m with { Disks = [null!, m.Disks![1]] })),
        ["mount without a mount point"] = ("system.disks[1].mount", s => Mount(s, d => d with { Mount = null })),
        ["mount point twice"] = ("system.disks[1].mount", s => Mount(s, d => d with { Mount = "/" })),
        ["mount point too long"] = ("system.disks[1].mount", s => Mount(s, d => d with { Mount = "/" + new string('m', SampleLimits.MaxMountPathLength) })),
        ["mount point with a bidi isolate"] = ("system.disks[1].mount", s => Mount(s, d => d with { Mount = "/home\u2066x" })),
        ["mount device too long"] = ("system.disks[1].device", s => Mount(s, d => d with { Device = new string('d', SampleLimits.MaxMountDeviceLength + 1) })),
        ["mount fs type too long"] = ("system.disks[1].fs_type", s => Mount(s, d => d with { FsType = new string('x', SampleLimits.MaxFsTypeLength + 1) })),
        ["mount fs type with an escape"] = ("system.disks[1].fs_type", s => Mount(s, d => d with { FsType = "x\u001bfs" })),
        ["mount total negative"] = ("system.disks[1].total", s => Mount(s, d => d with { Total = -1 })),
        ["mount used negative"] = ("system.disks[1].used", s => Mount(s, d => d with { Used = -1 })),
        ["mount free negative"] = ("system.disks[1].free", s => Mount(s, d => d with { Free = -1 })),
        ["mount percent above 100"] = ("system.disks[1].percent", s => Mount(s, d => d with { Percent = 100.5 })),
        ["mount inodes percent negative"] = ("system.disks[1].inodes_percent", s => Mount(s, d => d with { InodesPercent = -3 })),
        ["mounts over their limit"] = ("system.disks", s => System(s, m => m with { Disks = [.. Enumerable.Range(0, SampleLimits.MaxMounts + 1).Select(i => new MountMetrics { Mount = $"/m{i}" })] })),
        ["block device without a name"] = ("system.disk_io[0].device", s => System(s, m => m with { DiskIo = [m.DiskIo![0] with { Device = " " }] })),
        ["block device twice"] = ("system.disk_io[1].device", s => System(s, m => m with { DiskIo = [m.DiskIo![0], m.DiskIo[0]] })),
        ["block device name too long"] = ("system.disk_io[0].device", s => System(s, m => m with { DiskIo = [m.DiskIo![0] with { Device = new string('s', SampleLimits.MaxDeviceNameLength + 1) }] })),
        ["block device read rate negative"] = ("system.disk_io[0].read_bytes_per_sec", s => System(s, m => m with { DiskIo = [m.DiskIo![0] with { ReadBytesPerSec = -1 }] })),
        ["block device write rate NaN"] = ("system.disk_io[0].write_bytes_per_sec", s => System(s, m => m with { DiskIo = [m.DiskIo![0] with { WriteBytesPerSec = double.NaN }] })),
        ["block devices over their limit"] = ("system.disk_io", s => System(s, m => m with { DiskIo = [.. Enumerable.Range(0, SampleLimits.MaxBlockDevices + 1).Select(i => new DiskIoMetrics { Device = $"sd{i}" })] })),
        ["interface without a name"] = ("system.interfaces[0].name", s => Interface(s, n => n with { Name = null })),
        ["interface name too long"] = ("system.interfaces[0].name", s => Interface(s, n => n with { Name = new string('e', SampleLimits.MaxInterfaceNameLength + 1) })),
        ["interface twice"] = ("system.interfaces[1].name", s => System(s, m => m with { Interfaces = [m.Interfaces![0], m.Interfaces[0]] })),
        ["interface rx bytes negative"] = ("system.interfaces[0].rx_bytes_per_sec", s => Interface(s, n => n with { RxBytesPerSec = -1 })),
        ["interface tx bytes negative"] = ("system.interfaces[0].tx_bytes_per_sec", s => Interface(s, n => n with { TxBytesPerSec = -1 })),
        ["interface rx packets negative"] = ("system.interfaces[0].rx_packets_per_sec", s => Interface(s, n => n with { RxPacketsPerSec = -1 })),
        ["interface tx packets negative"] = ("system.interfaces[0].tx_packets_per_sec", s => Interface(s, n => n with { TxPacketsPerSec = -1 })),
        ["interface rx errors negative"] = ("system.interfaces[0].rx_errors_per_sec", s => Interface(s, n => n with { RxErrorsPerSec = -1 })),
        ["interface tx errors negative"] = ("system.interfaces[0].tx_errors_per_sec", s => Interface(s, n => n with { TxErrorsPerSec = -1 })),
        ["interface rx drops negative"] = ("system.interfaces[0].rx_drops_per_sec", s => Interface(s, n => n with { RxDropsPerSec = -1 })),
        ["interface tx drops negative"] = ("system.interfaces[0].tx_drops_per_sec", s => Interface(s, n => n with { TxDropsPerSec = -0.1 })),
        ["interfaces over their limit"] = ("system.interfaces", s => System(s, m => m with { Interfaces = [.. Enumerable.Range(0, SampleLimits.MaxInterfaces + 1).Select(i => new InterfaceMetrics { Name = $"veth{i}" })] })),
        ["temperature without a name"] = ("system.sensors.temperatures[1].name", s => Sensors(s, m => m with { Temperatures = [m.Temperatures![0], m.Temperatures[1] with { Name = " " }] })),
        ["temperature name twice"] = ("system.sensors.temperatures[1].name", s => Sensors(s, m => m with { Temperatures = [m.Temperatures![0], m.Temperatures[0]] })),
        ["temperature name too long"] = ("system.sensors.temperatures[0].name", s => Temperature(s, t => t with { Name = new string('t', SampleLimits.MaxSensorNameLength + 1) })),
        ["temperature name with a control character"] = ("system.sensors.temperatures[0].name", s => Temperature(s, t => t with { Name = "coretemp/\u001b[2J" })),
        ["temperature NaN"] = ("system.sensors.temperatures[0].celsius", s => Temperature(s, t => t with { Celsius = double.NaN })),
        ["high temperature infinite"] = ("system.sensors.temperatures[0].high_celsius", s => Temperature(s, t => t with { HighCelsius = double.PositiveInfinity })),
        ["critical temperature NaN"] = ("system.sensors.temperatures[0].critical_celsius", s => Temperature(s, t => t with { CriticalCelsius = double.NaN })),
        ["temperatures over their limit"] = ("system.sensors.temperatures", s => Sensors(s, m => m with { Temperatures = [.. Enumerable.Range(0, SampleLimits.MaxTemperatures + 1).Select(i => new TemperatureMetrics { Name = $"t/{i}" })] })),
        ["fan without a name"] = ("system.sensors.fans[0].name", s => Sensors(s, m => m with { Fans = [m.Fans![0] with { Name = null }] })),
        ["fan name with a zero-width space"] = ("system.sensors.fans[0].name", s => Sensors(s, m => m with { Fans = [m.Fans![0] with { Name = "fan\u200B2" }] })),
        ["fan rpm negative"] = ("system.sensors.fans[0].rpm", s => Sensors(s, m => m with { Fans = [m.Fans![0] with { Rpm = -1 }] })),
        ["fans over their limit"] = ("system.sensors.fans", s => Sensors(s, m => m with { Fans = [.. Enumerable.Range(0, SampleLimits.MaxFans + 1).Select(i => new FanMetrics { Name = $"f/{i}" })] })),
        ["cpu frequency NaN"] = ("system.sensors.cpu_frequency_mhz", s => Sensors(s, m => m with { CpuFrequencyMhz = double.NaN })),
        ["cpu throttle count negative"] = ("system.sensors.cpu_throttle_count", s => Sensors(s, m => m with { CpuThrottleCount = -1 })),
        ["package throttle count negative"] = ("system.sensors.package_throttle_count", s => Sensors(s, m => m with { PackageThrottleCount = -1 })),
        ["process total negative"] = ("system.processes.total", s => Processes(s, p => p with { Total = -1 })),
        ["process that is null"] = ("system.processes.by_cpu[1]", s => Processes(s, p => p with { ByCpu = [p.ByCpu![0], null!] })),
        ["process without a pid"] = ("system.processes.by_cpu[0].pid", s => Process(s, p => p with { Pid = null })),
        ["process pid 0"] = ("system.processes.by_cpu[0].pid", s => Process(s, p => p with { Pid = 0 })),
        ["process twice in a list"] = ("system.processes.by_cpu[1].pid", s => Processes(s, p => p with { ByCpu = [p.ByCpu![0], p.ByCpu[0]] })),
        ["process name too long"] = ("system.processes.by_cpu[0].name", s => Process(s, p => p with { Name = new string('p', SampleLimits.MaxProcessNameLength + 1) })),
        ["process name with a bidi override"] = ("system.processes.by_cpu[0].name", s => Process(s, p => p with { Name = "gnp.\u202Eexe" })),
        ["process cpu percent negative"] = ("system.processes.by_cpu[0].cpu_percent", s => Process(s, p => p with { CpuPercent = -0.1 })),
        ["process cpu percent beyond every core"] = ("system.processes.by_cpu[0].cpu_percent", s => Process(s, p => p with { CpuPercent = SampleLimits.MaxProcessCpuPercent + 0.1 })),
        ["process cpu percent NaN"] = ("system.processes.by_cpu[0].cpu_percent", s => Process(s, p => p with { CpuPercent = double.NaN })),
        ["process rss negative"] = ("system.processes.by_memory[0].rss_bytes", s => Processes(s, p => p with { ByMemory = [p.ByMemory![0] with { RssBytes = -1 }] })),
        ["top processes over their limit"] = ("system.processes.by_memory", s => Processes(s, p => p with { ByMemory = [.. Enumerable.Range(1, SampleLimits.MaxTopProcesses + 1).Select(i => new ProcessMetrics { Pid = i })] })),
        ["uptime negative"] = ("system.uptime_seconds", s => System(s, m => m with { UptimeSeconds = -1 })),
        ["boot time more than 5 minutes ahead"] = ("system.boot_time", s => System(s, m => m with { BootTime = Now.AddMinutes(5).AddTicks(1) })),
        ["disk without a device name"] = ("system.disk_health.smart[1].device", s => Smart(s, d => d with { Device = "" })),
        ["disk twice"] = ("system.disk_health.smart[1].device", s => Smart(s, d => d with { Device = "sda" })),
        ["disk name with an escape"] = ("system.disk_health.smart[1].device", s => Smart(s, d => d with { Device = "nvme\u001b0" })),
        ["disk model too long"] = ("system.disk_health.smart[1].model", s => Smart(s, d => d with { Model = new string('m', SampleLimits.MaxHealthTextLength + 1) })),
        ["disk serial with a bidi override"] = ("system.disk_health.smart[1].serial", s => Smart(s, d => d with { Serial = "S5GX\u202ENF0R" })),
        ["disk protocol with a newline"] = ("system.disk_health.smart[1].protocol", s => Smart(s, d => d with { Protocol = "nvme\n" })),
        ["disk temperature above 200"] = ("system.disk_health.smart[1].temperature_celsius", s => Smart(s, d => d with { TemperatureCelsius = 200.5 })),
        ["disk temperature NaN"] = ("system.disk_health.smart[1].temperature_celsius", s => Smart(s, d => d with { TemperatureCelsius = double.NaN })),
        ["disk power-on hours negative"] = ("system.disk_health.smart[1].power_on_hours", s => Smart(s, d => d with { PowerOnHours = -1 })),
        ["disk reallocated sectors negative"] = ("system.disk_health.smart[1].reallocated_sectors", s => Smart(s, d => d with { ReallocatedSectors = -1 })),
        ["disk pending sectors negative"] = ("system.disk_health.smart[1].pending_sectors", s => Smart(s, d => d with { PendingSectors = -1 })),
        ["disk percentage used above 255"] = ("system.disk_health.smart[1].percentage_used", s => Smart(s, d => d with { PercentageUsed = 256 })),
        ["disks over their limit"] = ("system.disk_health.smart", s => System(s, m => m with { DiskHealth = m.DiskHealth! with { Smart = [.. Enumerable.Range(0, SampleLimits.MaxSmartDisks + 1).Select(i => new SmartDisk { Device = $"sd{i}" })] } })),
        ["array without a name"] = ("system.disk_health.raid[0].name", s => Raid(s, a => a with { Name = null })),
        ["array level with a control character"] = ("system.disk_health.raid[0].level", s => Raid(s, a => a with { Level = "raid\u00071" })),
        ["array state unknown"] = ("system.disk_health.raid[0].state", s => Raid(s, a => a with { State = "resyncing" })),
        ["array disks negative"] = ("system.disk_health.raid[0].total_disks", s => Raid(s, a => a with { TotalDisks = -1 })),
        ["array failed disks beyond its disks"] = ("system.disk_health.raid[0].failed_disks", s => Raid(s, a => a with { FailedDisks = 3 })),
        ["array recovery above 100 percent"] = ("system.disk_health.raid[0].recovery_percent", s => Raid(s, a => a with { RecoveryPercent = 100.1 })),
        ["arrays over their limit"] = ("system.disk_health.raid", s => System(s, m => m with { DiskHealth = m.DiskHealth! with { Raid = [.. Enumerable.Range(0, SampleLimits.MaxRaidArrays + 1).Select(i => new RaidArray { Name = $"md{i}" })] } })),
        ["unit without a name"] = ("system.services[1].unit", s => Service(s, u => u with { Unit = " " })),
        ["unit twice"] = ("system.services[1].unit", s => Service(s, u => u with { Unit = "nginx.service" })),
        ["unit name too long"] = ("system.services[1].unit", s => Service(s, u => u with { Unit = new string('u', SampleLimits.MaxUnitNameLength - 7) + ".service" })),
        ["unit name with a zero-width space"] = ("system.services[1].unit", s => Service(s, u => u with { Unit = "nginx\u200B.service" })),
        ["unit active state too long"] = ("system.services[1].active_state", s => Service(s, u => u with { ActiveState = new string('a', SampleLimits.MaxHealthTextLength + 1) })),
        ["unit sub state with an escape"] = ("system.services[1].sub_state", s => Service(s, u => u with { SubState = "\u001b[2Jdead" })),
        ["unit restarts negative"] = ("system.services[1].restarts", s => Service(s, u => u with { Restarts = -1 })),
        ["units over their limit"] = ("system.services", s => System(s, m => m with { Services = [.. Enumerable.Range(0, SampleLimits.MaxServices + 1).Select(i => new ServiceState { Unit = $"u{i}.service" })] })),
        ["check that is null"] = ("network[1]", s => s with { Network = [s.Network![0], null!] }),
        ["check with neither host nor url"] = ("network[0]", s => Check(s, c => c with { Host = null })),
        ["check with both host and url"] = ("network[0]", s => Check(s, c => c with { Url = "https://example.org" })),
        ["check host too long"] = ("network[0].host", s => Check(s, c => c with { Host = new string('h', 256) })),
        ["check host with a newline"] = ("network[0].host", s => Check(s, c => c with { Host = "h\nX-Injected: 1" })),
        ["check url too long"] = ("network[1].url", s => s with { Network = [s.Network![0], s.Network[1] with { Url = "https://" + new string('u', 2041) }] }),
        ["check port negative"] = ("network[0].port", s => Check(s, c => c with { Port = -1 })),
        ["check port above 65535"] = ("network[0].port", s => Check(s, c => c with { Port = 65_536 })),
        ["check status code below 100"] = ("network[0].status_code", s => Check(s, c => c with { StatusCode = 99 })),
        ["check status code above 599"] = ("network[0].status_code", s => Check(s, c => c with { StatusCode = 600 })),
        ["check status unknown"] = ("network[0].status", s => Check(s, c => c with { Status = "sideways" })),
        ["check status missing"] = ("network[0].status", s => Check(s, c => c with { Status = null })),
        ["check status in capitals"] = ("network[0].status", s => Check(s, c => c with { Status = "UP" })),
        ["check kind unknown"] = ("network[0].kind", s => Check(s, c => c with { Kind = "smoke signal" })),
        ["check latency negative"] = ("network[0].latency_ms", s => Check(s, c => c with { LatencyMs = -1 })),
        ["check latency NaN"] = ("network[0].latency_ms", s => Check(s, c => c with { LatencyMs = double.NaN })),
        ["check error too long"] = ("network[0].error", s => Check(s, c => c with { Error = new string('e', SampleValidator.MaxErrorLength + 1) })),
        ["checks over their limit"] = ("network", s => s with { Network = [.. Enumerable.Repeat(s.Network![0], SampleValidator.MaxNetworkChecks + 1)] }),
    };

    /// <summary>Values at the edge of each rule, and optional parts left out, that must still be accepted.</summary>
    private static readonly Dictionary<string, Func<MetricsReport, MetricsReport>> Accepted = new()
    {
        ["agent_id of 64 characters"] = s => s with { AgentId = new string('a', 64) },
        ["agent_id of every allowed character"] = s => s with { AgentId = "Web.01_eu-west" },
        ["agent_name of 256 characters"] = s => s with { AgentName = new string('n', SampleValidator.MaxAgentNameLength) },
        ["agent_name absent"] = s => s with { AgentName = null },
        ["agent_name with accents and spaces"] = s => s with { AgentName = "Serveur de bases de données ☃" },
        ["timestamp 5 minutes ahead"] = s => s with { Timestamp = Now + SampleValidator.MaxClockSkew },
        ["timestamp at the Unix epoch"] = s => s with { Timestamp = DateTimeOffset.UnixEpoch },
        ["timestamp with an offset"] = s => s with { Timestamp = new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.FromHours(1)) },
        ["interval_seconds of a day"] = s => s with { IntervalSeconds = 86_400 },
        ["interval_seconds below a second"] = s => s with { IntervalSeconds = 0.001 },
        ["interval_seconds absent"] = s => s with { IntervalSeconds = null },
        ["percents at 0 and 100"] = s => System(s, m => m with
        {
            CpuPercent = 0,
            Memory = m.Memory! with { Percent = 100 },
            Disk = m.Disk! with { Percent = 0 },
            Cpu = m.Cpu! with { PerCore = [0, 100], User = 100, System = 0, Iowait = 0, Steal = 100 },
            Swap = m.Swap! with { Percent = 100 },
        }),
        ["byte counts of 0"] = s => System(s, m => m with
        {
            Memory = new MemoryMetrics { Total = 0, Available = 0, Used = 0, Percent = 0 },
            Disk = new DiskMetrics { Total = 0, Used = 0, Free = 0, Percent = 0 },
        }),
        ["cpu count of 1"] = s => System(s, m => m with { Cpu = m.Cpu! with { Count = 1, PerCore = [10] } }),
        ["cores at their limit"] = s => System(s, m => m with { Cpu = m.Cpu! with { Count = SampleLimits.MaxCpuCores, PerCore = [.. Enumerable.Repeat(1.0, SampleLimits.MaxCpuCores)] } }),
        ["mounts at their limit"] = s => System(s, m => m with { Disks = [.. Enumerable.Range(0, SampleLimits.MaxMounts).Select(i => new MountMetrics { Mount = $"/m{i}" })] }),
        ["mount point at its length limit"] = s => Mount(s, d => d with { Mount = "/" + new string('m', SampleLimits.MaxMountPathLength - 1) }),
        ["block devices at their limit"] = s => System(s, m => m with { DiskIo = [.. Enumerable.Range(0, SampleLimits.MaxBlockDevices).Select(i => new DiskIoMetrics { Device = $"sd{i}" })] }),
        ["interfaces at their limit"] = s => System(s, m => m with { Interfaces = [.. Enumerable.Range(0, SampleLimits.MaxInterfaces).Select(i => new InterfaceMetrics { Name = $"veth{i}" })] }),
        ["detail lists empty"] = s => System(s, m => m with { Disks = [], DiskIo = [], Interfaces = [] }),
        ["sensors at their limits"] = s => Sensors(s, m => m with
        {
            Temperatures = [.. Enumerable.Range(0, SampleLimits.MaxTemperatures).Select(i => new TemperatureMetrics { Name = $"t/{i}", Celsius = -40 })],
            Fans = [.. Enumerable.Range(0, SampleLimits.MaxFans).Select(i => new FanMetrics { Name = $"f/{i}", Rpm = 0 })],
        }),
        ["sensor name at its length limit"] = s => Temperature(s, t => t with { Name = new string('t', SampleLimits.MaxSensorNameLength) }),
        ["sensors with only a frequency"] = s => System(s, m => m with { Sensors = new SensorMetrics { CpuFrequencyMhz = 800 } }),
        ["a process in both lists"] = s => Processes(s, p => p with { ByCpu = [p.ByMemory![0]], ByMemory = [p.ByMemory[0]] }),
        ["process cpu percent of every core"] = s => Process(s, p => p with { CpuPercent = SampleLimits.MaxProcessCpuPercent }),
        ["process without a name or figures"] = s => Process(s, p => new ProcessMetrics { Pid = p.Pid }),
        ["top processes at their limit"] = s => Processes(s, p => p with { ByCpu = [.. Enumerable.Range(1, SampleLimits.MaxTopProcesses).Select(i => new ProcessMetrics { Pid = i, Name = new string('p', SampleLimits.MaxProcessNameLength) })] }),
        ["top processes empty"] = s => Processes(s, p => p with { ByCpu = [], ByMemory = [] }),
        ["boot time 5 minutes ahead"] = s => System(s, m => m with { BootTime = Now + SampleValidator.MaxClockSkew }),
        ["zero rates and load"] = s => System(s, m => m with { Load = new LoadAverage { Load1 = 0, Load5 = 0, Load15 = 0 }, UptimeSeconds = 0 }),
        ["disks, arrays and units at their limits"] = s => System(s, m => m with
        {
            DiskHealth = new DiskHealth
            {
                Smart = [.. Enumerable.Range(0, SampleLimits.MaxSmartDisks).Select(i => new SmartDisk { Device = $"sd{i}" })],
                Raid = [.. Enumerable.Range(0, SampleLimits.MaxRaidArrays).Select(i => new RaidArray { Name = $"md{i}" })],
            },
            Services = [.. Enumerable.Range(0, SampleLimits.MaxServices).Select(i => new ServiceState { Unit = $"u{i}.service" })],
        }),
        ["disk values at their edges"] = s => Smart(s, d => d with
        {
            Model = new string('m', SampleLimits.MaxHealthTextLength), TemperatureCelsius = -60, PowerOnHours = 0, PercentageUsed = 255, Healthy = false,
        }),
        ["disk of only a name"] = s => Smart(s, d => new SmartDisk { Device = d.Device }),
        ["array of every state"] = s => System(s, m => m with
        {
            DiskHealth = m.DiskHealth! with
            {
                Raid = [.. new[] { "healthy", "degraded", "recovering", "inactive" }.Select((state, i) => new RaidArray { Name = $"md{i}", State = state, TotalDisks = 2, FailedDisks = 2, RecoveryPercent = 100 })],
            },
        }),
        ["unit name at its length limit"] = s => Service(s, u => u with { Unit = new string('u', SampleLimits.MaxUnitNameLength - 8) + ".service" }),
        ["disk health and services absent"] = s => System(s, m => m with { DiskHealth = null, Services = null }),
        ["disk health empty"] = s => System(s, m => m with { DiskHealth = new DiskHealth(), Services = [] }),
        ["network absent"] = s => s with { Network = null },
        ["network empty"] = s => s with { Network = [] },
        ["checks at their limit"] = s => s with { Network = [.. Enumerable.Repeat(s.Network![0], SampleValidator.MaxNetworkChecks)] },
        ["check ports 0 and 65535"] = s => s with { Network = [s.Network![0] with { Port = 0 }, s.Network[0] with { Port = 65_535 }] },
        ["check status codes 100 and 599"] = s => s with { Network = [s.Network![1] with { StatusCode = 100 }, s.Network[1] with { StatusCode = 599 }] },
        ["check of every status and kind"] = s => s with
        {
            Network =
            [
                s.Network![0] with { Status = "up", Kind = "icmp" },
                s.Network[0] with { Status = "down", Kind = "tcp", LatencyMs = null },
                s.Network[1] with { Status = "degraded", Kind = "http" },
                s.Network[1] with { Kind = null },
            ],
        },
        ["check latency 0 and error at its limit"] = s => Check(s, c => c with { LatencyMs = 0, Error = new string('e', SampleValidator.MaxErrorLength) }),
        ["check url of whitespace beside a host"] = s => Check(s, c => c with { Url = " " }),
    };

    public static TheoryData<string> ViolationCases => [.. Violations.Keys];

    public static TheoryData<string> AcceptedCases => [.. Accepted.Keys];

    [Fact]
    public void Seed_readme_minimal_body_is_accepted()
    {
        const string Body = """
            {"agent_id": "agent-001", "agent_name": "web server", "timestamp": "2026-03-01T11:59:58.029778+00:00",
             "system": {"cpu_percent": 45.2, "memory": {"percent": 67.8}, "disk": {"percent": 23.4}},
             "network": [{"host": "8.8.8.8", "port": 53, "status": "up", "latency_ms": 12.3},
                         {"url": "https://example.org", "status_code": 503, "status": "degraded", "latency_ms": 200.0},
                         {"host": "10.0.0.9", "port": 22, "status": "down", "error": "timed out"}]}
            """;
        var sample = JsonSerializer.Deserialize(Body, MonitoringJsonContext.Default.MetricsReport)!;

        Assert.Empty(Validate(sample));
    }

    [Fact]
    public void Sample_with_every_optional_detail_is_accepted()
    {
        Assert.Empty(Validate(Valid()));
    }

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public void Value_at_the_edge_of_a_rule_is_accepted(string edge)
    {
        Assert.Empty(Validate(Accepted[edge](Valid())));
    }

    [Theory]
    [InlineData("agent_id")]
    [InlineData("timestamp")]
    [InlineData("system")]
    [InlineData("system.cpu_percent")]
    [InlineData("system.memory")]
    [InlineData("system.memory.percent")]
    [InlineData("system.disk")]
    [InlineData("system.disk.percent")]
    public void Missing_required_field_is_reported_as_required_under_its_name(string field)
    {
        var sample = Valid();
        var broken = field switch
        {
            "agent_id" => sample with { AgentId = "" },
            "timestamp" => sample with { Timestamp = null },
            "system" => sample with { System = null },
            "system.cpu_percent" => System(sample, m => m with { CpuPercent = null }),
            "system.memory" => System(sample, m => m with { Memory = null }),
            "system.memory.percent" => System(sample, m => m with { Memory = m.Memory! with { Percent = null } }),
            "system.disk" => System(sample, m => m with { Disk = null }),
            _ => System(sample, m => m with { Disk = m.Disk! with { Percent = null } }),
        };

        var error = Assert.Single(Validate(broken));

        Assert.Equal(field, error.Key);
        Assert.StartsWith($"{field} is required", Assert.Single(error.Value), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ViolationCases))]
    public void Broken_rule_is_reported_under_the_field_that_breaks_it(string violation)
    {
        var (field, breakRule) = Violations[violation];

        var error = Assert.Single(Validate(breakRule(Valid())));

        Assert.Equal(field, error.Key);
        Assert.Contains(Leaf(field), Assert.Single(error.Value), StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamp_more_than_five_minutes_ahead_is_blamed_on_the_agents_clock()
    {
        var errors = Validate(Valid() with { Timestamp = Now + SampleValidator.MaxClockSkew + TimeSpan.FromTicks(1) });

        Assert.Equal(["timestamp is more than 5 minutes in the future; check the agent's clock."], errors["timestamp"]);
    }

    [Fact]
    public void Timestamp_before_1970_is_rejected()
    {
        var errors = Validate(Valid() with { Timestamp = DateTimeOffset.UnixEpoch.AddTicks(-1) });

        Assert.Equal(["timestamp must not be before 1970-01-01T00:00:00Z."], errors["timestamp"]);
    }

    [Fact]
    public void Timestamp_older_than_raw_history_keeps_is_rejected_with_the_retention_setting_and_limit()
    {
        var oldest = Now.AddDays(-7);

        var errors = Validate(Valid() with { Timestamp = oldest.AddTicks(-1) }, oldest);

        Assert.Equal(
            ["timestamp is older than raw history keeps (the silo's Retention:History is 7.00:00:00: nothing before 2026-02-22T12:00:00Z); it would be deleted, so it was not stored."],
            errors["timestamp"]);
        Assert.Empty(Validate(Valid() with { Timestamp = oldest }, oldest));
    }

    [Fact]
    public void Without_a_retention_limit_any_timestamp_since_1970_is_accepted()
    {
        Assert.Empty(Validate(Valid() with { Timestamp = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero) }));
    }

    [Fact]
    public void Every_violation_of_a_sample_is_reported_at_once()
    {
        var sample = Check(System(Valid(), m => m with { CpuPercent = 101, Memory = null }), c => c with { Port = 70_000 }) with { AgentId = "web 01", Timestamp = null };

        var errors = Validate(sample);

        Assert.Equal(["agent_id", "network[0].port", "system.cpu_percent", "system.memory", "timestamp"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Errors_of_a_batch_sample_are_keyed_under_its_prefix()
    {
        var errors = new Dictionary<string, string[]>();

        SampleValidator.Validate(System(Valid(), m => m with { CpuPercent = 101 }), Now, null, "[2].", errors);

        var error = Assert.Single(errors);
        Assert.Equal("[2].system.cpu_percent", error.Key);
        Assert.Equal(["system.cpu_percent must be a number from 0 to 100."], error.Value);
    }

    [Fact]
    public void Errors_past_the_listed_limit_are_summed_up_in_one_note()
    {
        var check = new NetworkCheck { Host = "h", Port = -1, Status = "sideways" };
        var sample = Valid() with { Network = [.. Enumerable.Repeat(check, SampleValidator.MaxNetworkChecks)] };

        var errors = Validate(sample);

        Assert.Equal(SampleValidator.MaxListedErrors + 1, errors.Count);
        Assert.Equal(["More errors were found; only the first 100 are listed."], errors[SampleValidator.OmittedKey]);
        Assert.Equal(["port must be between 0 and 65535."], errors["network[0].port"]);
    }

    [Fact]
    public void Later_samples_of_a_batch_add_only_the_note_once_the_limit_is_reached()
    {
        var errors = Enumerable.Range(0, SampleValidator.MaxListedErrors).ToDictionary(i => $"[{i}].agent_id", _ => new[] { "agent_id is required." });

        SampleValidator.Validate(Valid() with { AgentId = null, Timestamp = null }, Now, null, "[100].", errors);

        Assert.Equal(SampleValidator.MaxListedErrors + 1, errors.Count);
        Assert.Contains(SampleValidator.OmittedKey, errors.Keys);
        Assert.DoesNotContain("[100].agent_id", errors.Keys);
    }

    [Theory]
    [InlineData("agent-001", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("web 01", false)]
    [InlineData("web~01", false)]
    [InlineData("wéb-01", false)]
    public void Agent_id_is_one_to_64_of_letters_digits_dot_underscore_and_dash(string? agentId, bool valid)
    {
        Assert.Equal(valid, SampleValidator.IsValidAgentId(agentId));
    }

    private static MetricsReport Valid() => HealthSamples.With(Samples.Detailed("web-01", Now.AddSeconds(-5)));

    private static Dictionary<string, string[]> Validate(MetricsReport sample, DateTimeOffset? oldest = null)
    {
        var errors = new Dictionary<string, string[]>();
        SampleValidator.Validate(sample, Now, oldest, "", errors);
        return errors;
    }

    /// <summary>The last name of a field path without its index: <c>network[0].port</c> is <c>port</c>, <c>system.disks[1]</c> is <c>disks</c>.</summary>
    private static string Leaf(string field)
    {
        var leaf = field[(field.LastIndexOf('.') + 1)..];
        return leaf.Contains('[', StringComparison.Ordinal) ? leaf[..leaf.IndexOf('[', StringComparison.Ordinal)] : leaf;
    }

    private static MetricsReport System(MetricsReport sample, Func<SystemMetrics, SystemMetrics> edit) => sample with { System = edit(sample.System!) };

    private static MetricsReport Mount(MetricsReport sample, Func<MountMetrics, MountMetrics> edit) =>
        System(sample, m => m with { Disks = [m.Disks![0], edit(m.Disks[1])] });

    private static MetricsReport Interface(MetricsReport sample, Func<InterfaceMetrics, InterfaceMetrics> edit) =>
        System(sample, m => m with { Interfaces = [edit(m.Interfaces![0])] });

    private static MetricsReport Smart(MetricsReport sample, Func<SmartDisk, SmartDisk> edit) =>
        System(sample, m => m with { DiskHealth = m.DiskHealth! with { Smart = [m.DiskHealth.Smart![0], edit(m.DiskHealth.Smart[1])] } });

    private static MetricsReport Raid(MetricsReport sample, Func<RaidArray, RaidArray> edit) =>
        System(sample, m => m with { DiskHealth = m.DiskHealth! with { Raid = [edit(m.DiskHealth.Raid![0])] } });

    private static MetricsReport Service(MetricsReport sample, Func<ServiceState, ServiceState> edit) =>
        System(sample, m => m with { Services = [m.Services![0], edit(m.Services[1])] });

    private static MetricsReport Sensors(MetricsReport sample, Func<SensorMetrics, SensorMetrics> edit) =>
        System(sample, m => m with { Sensors = edit(m.Sensors!) });

    private static MetricsReport Temperature(MetricsReport sample, Func<TemperatureMetrics, TemperatureMetrics> edit) =>
        Sensors(sample, m => m with { Temperatures = [edit(m.Temperatures![0]), m.Temperatures[1]] });

    private static MetricsReport Processes(MetricsReport sample, Func<TopProcesses, TopProcesses> edit) =>
        System(sample, m => m with { Processes = edit(m.Processes!) });

    private static MetricsReport Process(MetricsReport sample, Func<ProcessMetrics, ProcessMetrics> edit) =>
        Processes(sample, p => p with { ByCpu = [edit(p.ByCpu![0]), p.ByCpu[1]] });

    private static MetricsReport Check(MetricsReport sample, Func<NetworkCheck, NetworkCheck> edit) =>
        sample with { Network = [edit(sample.Network![0]), sample.Network[1]] };
}
