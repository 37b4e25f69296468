using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class MountTableTests
{
    [Fact]
    public void Only_the_real_root_file_system_of_this_build_machine_is_reported()
    {
        using var mountinfo = Fixture.Open("proc/self/mountinfo");

        var mounts = MountTable.Parse(mountinfo);

        Assert.Equal([new MountEntry("/", "/dev/vda", "ext4")], mounts);
    }

    [Fact]
    public void Pseudo_memory_overlay_squashfs_and_network_file_systems_are_skipped_and_bind_mounts_counted_once()
    {
        using var mountinfo = Fixture.Open("mountinfo-server");

        var mounts = MountTable.Parse(mountinfo);

        // /home/shared files binds a folder of /srv/data's file system; the file system's own root mount is the one kept.
        Assert.Equal(
            [
                new MountEntry("/", "/dev/sda2", "ext4"),
                new MountEntry("/boot/efi", "/dev/sda1", "vfat"),
                new MountEntry("/srv/data", "/dev/nvme0n1p1", "xfs"),
                new MountEntry("/var/lib/postgresql", "/dev/mapper/vg0-pg", "ext4"),
            ],
            mounts);
    }

    [Fact]
    public void Escaped_characters_in_mount_points_are_decoded_and_a_bind_mount_alone_is_reported()
    {
        var line = @"37 28 259:1 /exports /home/shared\040files\134x rw,noatime shared:31 - xfs /dev/nvme0n1p1 rw";

        var mounts = MountTable.Parse(new StringReader(line));

        Assert.Equal([new MountEntry(@"/home/shared files\x", "/dev/nvme0n1p1", "xfs")], mounts);
    }

    [Theory]
    [InlineData("36 28 259:1 / /srv/data rw,noatime shared:31 xfs /dev/nvme0n1p1 rw")]
    [InlineData("36 28 259:1 / /srv/data rw - xfs")]
    [InlineData("36 28")]
    public void A_line_without_the_mountinfo_layout_is_a_format_error(string line)
    {
        Assert.Throws<FormatException>(() => MountTable.Parse(new StringReader(line)));
    }
}
