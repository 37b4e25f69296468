using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>Disk health: each disk's S.M.A.R.T. reading (from <c>smartctl</c>) and each mdraid array's state.</summary>
public sealed record DiskHealth
{
    [JsonPropertyName("smart")]
    public IReadOnlyList<SmartDisk>? Smart { get; init; }

    [JsonPropertyName("raid")]
    public IReadOnlyList<RaidArray>? Raid { get; init; }
}

/// <summary>One disk's S.M.A.R.T. reading; a value the disk does not report is absent.</summary>
public sealed record SmartDisk
{
    /// <summary>The disk's name under <c>/dev</c>: <c>sda</c>, <c>nvme0</c>.</summary>
    [JsonPropertyName("device")]
    public string? Device { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("serial")]
    public string? Serial { get; init; }

    /// <summary>How smartctl talks to it: <c>ata</c>, <c>nvme</c>, <c>scsi</c>.</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; init; }

    /// <summary>The overall self-assessment: false when the disk predicts its own failure.</summary>
    [JsonPropertyName("healthy")]
    public bool? Healthy { get; init; }

    [JsonPropertyName("temperature_celsius")]
    public double? TemperatureCelsius { get; init; }

    [JsonPropertyName("power_on_hours")]
    public long? PowerOnHours { get; init; }

    /// <summary>ATA attribute 5 (Reallocated_Sector_Ct), raw value.</summary>
    [JsonPropertyName("reallocated_sectors")]
    public long? ReallocatedSectors { get; init; }

    /// <summary>ATA attribute 197 (Current_Pending_Sector), raw value.</summary>
    [JsonPropertyName("pending_sectors")]
    public long? PendingSectors { get; init; }

    /// <summary>NVMe's estimate of the rated endurance used, in percent; may pass 100.</summary>
    [JsonPropertyName("percentage_used")]
    public double? PercentageUsed { get; init; }

    /// <summary>When smartctl read these values; the agent reads disks at most every <c>SMART_INTERVAL</c>.</summary>
    [JsonPropertyName("checked_at")]
    public DateTimeOffset? CheckedAt { get; init; }
}

/// <summary>One Linux software RAID (mdraid) array, from <c>/proc/mdstat</c>.</summary>
public sealed record RaidArray
{
    /// <summary>The array's name: <c>md0</c>.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary><c>raid1</c>, <c>raid5</c>, ...</summary>
    [JsonPropertyName("level")]
    public string? Level { get; init; }

    /// <summary><c>healthy</c>, <c>degraded</c>, <c>recovering</c> (a rebuild or resync runs) or <c>inactive</c>.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }

    /// <summary>Member disks the array is made of.</summary>
    [JsonPropertyName("total_disks")]
    public int? TotalDisks { get; init; }

    /// <summary>Member disks missing or marked faulty.</summary>
    [JsonPropertyName("failed_disks")]
    public int? FailedDisks { get; init; }

    /// <summary>Progress of a running recovery, resync or reshape.</summary>
    [JsonPropertyName("recovery_percent")]
    public double? RecoveryPercent { get; init; }
}

/// <summary>One systemd unit's state, as <c>systemctl show</c> reports it.</summary>
public sealed record ServiceState
{
    /// <summary>The unit's full name: <c>nginx.service</c>.</summary>
    [JsonPropertyName("unit")]
    public string? Unit { get; init; }

    /// <summary><c>ActiveState</c>: <c>active</c>, <c>failed</c>, <c>inactive</c>, <c>activating</c>, ...</summary>
    [JsonPropertyName("active_state")]
    public string? ActiveState { get; init; }

    /// <summary><c>SubState</c>: <c>running</c>, <c>exited</c>, <c>dead</c>, <c>auto-restart</c>, ...</summary>
    [JsonPropertyName("sub_state")]
    public string? SubState { get; init; }

    /// <summary><c>NRestarts</c>: automatic restarts since the unit was last started by hand (services only).</summary>
    [JsonPropertyName("restarts")]
    public long? Restarts { get; init; }
}
