using System.Runtime.InteropServices;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Size and inode use of a mounted file system, from statvfs.</summary>
internal static partial class FileSystemUsage
{
    /// <summary>The <c>struct statvfs</c> layout we declare is the one of 64-bit Linux (glibc and musl alike).</summary>
    public static bool HasStatvfs { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Usage of the file system mounted at <paramref name="mount"/>, with psutil's semantics (see <see cref="DiskUsage"/>).</summary>
    public static MountMetrics Of(MountEntry mount)
    {
        if (!HasStatvfs)
        {
            return Describe(mount, DiskUsage.Of(new DriveInfo(mount.MountPoint)), inodesPercent: null);
        }

        if (Statvfs(mount.MountPoint, out var stats) != 0)
        {
            throw new IOException($"statvfs failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        var blockSize = (long)stats.FragmentSize;
        var usage = DiskUsage.FromStatvfs((long)stats.Blocks * blockSize, (long)stats.BlocksFree * blockSize, (long)stats.BlocksAvailable * blockSize);

        // File systems without a fixed inode table (btrfs, for one) report zero inodes: the percent is unknown, not 0.
        double? inodes = stats.Files == 0 ? null : Math.Round((double)(stats.Files - Math.Min(stats.FilesFree, stats.Files)) / stats.Files * 100, 1);
        return Describe(mount, usage, inodes);
    }

    private static MountMetrics Describe(MountEntry mount, DiskMetrics usage, double? inodesPercent) => new()
    {
        Mount = mount.MountPoint,
        Device = mount.Device,
        FsType = mount.FsType,
        Total = usage.Total,
        Used = usage.Used,
        Free = usage.Free,
        Percent = usage.Percent,
        InodesPercent = inodesPercent,
    };

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statvfs(string path, out StatvfsResult result);

    /// <summary>The words of <c>struct statvfs</c> on 64-bit Linux that usage needs, at their offsets; the size covers the rest.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 112)]
    private readonly struct StatvfsResult
    {
        [FieldOffset(8)]
        public readonly ulong FragmentSize;

        [FieldOffset(16)]
        public readonly ulong Blocks;

        [FieldOffset(24)]
        public readonly ulong BlocksFree;

        [FieldOffset(32)]
        public readonly ulong BlocksAvailable;

        [FieldOffset(40)]
        public readonly ulong Files;

        [FieldOffset(48)]
        public readonly ulong FilesFree;
    }
}
