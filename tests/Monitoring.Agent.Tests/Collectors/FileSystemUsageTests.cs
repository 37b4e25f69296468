using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class FileSystemUsageTests
{
    [Fact]
    public void Statvfs_of_the_root_file_system_agrees_with_DriveInfo_and_reports_inode_use()
    {
        var root = new DriveInfo("/");

        var usage = FileSystemUsage.Of(new MountEntry("/", "/dev/root", "ext4"));

        Assert.True(FileSystemUsage.HasStatvfs);
        Assert.Equal(("/", "/dev/root", "ext4"), (usage.Mount, usage.Device, usage.FsType));
        Assert.Equal(root.TotalSize, usage.Total);
        Assert.InRange(usage.Percent!.Value, 0.1, 100);
        Assert.InRange(usage.InodesPercent!.Value, 0, 100);
    }

    [Fact]
    public void Statvfs_of_a_missing_mount_point_is_an_IO_error()
    {
        Assert.Throws<IOException>(() => FileSystemUsage.Of(new MountEntry("/no/such/mount", "none", "ext4")));
    }
}
