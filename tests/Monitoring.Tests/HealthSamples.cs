using Monitoring.Contracts;

namespace Monitoring.Tests;

/// <summary>Samples with disk health and systemd units, as an agent with smartctl, an md array and <c>SERVICES=nginx</c> sends them.</summary>
public static class HealthSamples
{
    public static MetricsReport With(MetricsReport sample, bool diskFailing = false, bool serviceFailed = false) => sample with
    {
        System = sample.System! with
        {
            DiskHealth = new DiskHealth
            {
                Smart =
                [
                    new SmartDisk
                    {
                        Device = "sda", Model = "WDC WD40EFRX-68N32N0", Serial = "WD-WCC7K4NT2X1F", Protocol = "ata", Healthy = !diskFailing,
                        TemperatureCelsius = 34, PowerOnHours = 33906, ReallocatedSectors = diskFailing ? 1864 : 0, PendingSectors = 2,
                        CheckedAt = sample.Timestamp,
                    },
                    new SmartDisk
                    {
                        Device = "nvme0", Model = "Samsung SSD 980 PRO 1TB", Serial = "S5GXNF0R612345K", Protocol = "nvme", Healthy = true,
                        TemperatureCelsius = 41, PowerOnHours = 6128, PercentageUsed = 3, CheckedAt = sample.Timestamp,
                    },
                ],
                Raid = [new RaidArray { Name = "md0", Level = "raid1", State = "recovering", TotalDisks = 2, FailedDisks = 1, RecoveryPercent = 17.3 }],
            },
            Services =
            [
                new ServiceState { Unit = "nginx.service", ActiveState = "active", SubState = "running", Restarts = 2 },
                new ServiceState { Unit = "backup.service", ActiveState = serviceFailed ? "failed" : "inactive", SubState = serviceFailed ? "failed" : "dead", Restarts = 0 },
            ],
        },
    };
}
