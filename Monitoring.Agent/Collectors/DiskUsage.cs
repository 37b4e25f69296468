using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Usage of one mounted file system, with psutil's semantics.</summary>
internal static class DiskUsage
{
    /// <summary>
    /// From statvfs figures in bytes: used counts every block not free, free counts what an unprivileged user may still write,
    /// and percent is used / (used + free) so the root-reserved blocks do not hide a full disk.
    /// </summary>
    public static DiskMetrics FromStatvfs(long totalBytes, long freeBytes, long availableToUserBytes)
    {
        var used = Math.Max(0, totalBytes - freeBytes);
        var free = Math.Max(0, availableToUserBytes);
        var percent = used + free == 0 ? 0 : Math.Round((double)used / (used + free) * 100, 1);
        return new DiskMetrics { Total = totalBytes, Used = used, Free = free, Percent = percent };
    }

    public static DiskMetrics Of(DriveInfo drive) =>
        FromStatvfs(drive.TotalSize, drive.TotalFreeSpace, drive.AvailableFreeSpace);
}
