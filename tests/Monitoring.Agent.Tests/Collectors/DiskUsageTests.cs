using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class DiskUsageTests
{
    [Fact]
    public void Disk_percent_leaves_out_blocks_reserved_for_root_like_psutil()
    {
        // 100 GB disk, 30 GB free of which 25 GB are writable by users: 70 GB used, 70 / (70 + 25).
        var disk = DiskUsage.FromStatvfs(100_000_000_000, 30_000_000_000, 25_000_000_000);

        Assert.Equal(100_000_000_000, disk.Total);
        Assert.Equal(70_000_000_000, disk.Used);
        Assert.Equal(25_000_000_000, disk.Free);
        Assert.Equal(73.7, disk.Percent);
    }

    [Fact]
    public void Disk_of_the_root_mount_reports_consistent_figures()
    {
        var disk = DiskUsage.Of(new DriveInfo("/"));

        Assert.True(disk.Total > 0);
        Assert.InRange(disk.Used!.Value + disk.Free!.Value, 1, disk.Total!.Value);
        Assert.InRange(disk.Percent!.Value, 0, 100);
    }
}
