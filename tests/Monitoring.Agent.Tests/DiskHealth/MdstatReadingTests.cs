using Monitoring.Agent.DiskHealth;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.DiskHealth;

public sealed class MdstatReadingTests
{
    [Fact]
    public void Healthy_arrays_have_no_failed_disk_and_a_routine_check_is_no_recovery()
    {
        using var mdstat = Fixture.Open("mdstat-healthy");

        Assert.Equal(
            [
                new RaidArray { Name = "md1", Level = "raid5", State = "healthy", TotalDisks = 4, FailedDisks = 0 },
                new RaidArray { Name = "md0", Level = "raid1", State = "healthy", TotalDisks = 2, FailedDisks = 0 },
            ],
            MdstatReading.Parse(mdstat));
    }

    [Fact]
    public void Degraded_recovering_inactive_and_striped_arrays_each_say_so()
    {
        using var mdstat = Fixture.Open("mdstat-degraded");

        Assert.Equal(
            [
                new RaidArray { Name = "md3", Level = "raid0", State = "healthy", TotalDisks = 2, FailedDisks = 0 },
                new RaidArray { Name = "md2", Level = "raid1", State = "recovering", TotalDisks = 2, FailedDisks = 1, RecoveryPercent = 17.3 },
                new RaidArray { Name = "md1", Level = "raid5", State = "degraded", TotalDisks = 4, FailedDisks = 1 },
                new RaidArray { Name = "md127", State = "inactive", TotalDisks = 0, FailedDisks = 0 },
            ],
            MdstatReading.Parse(mdstat));
    }

    [Fact]
    public void A_delayed_resync_is_recovering_without_a_percent()
    {
        using var mdstat = new StringReader("""
            md0 : active (auto-read-only) raid1 sdb1[1] sda1[0]
                  1046528 blocks super 1.2 [2/2] [UU]
                    resync=DELAYED
            """);

        var array = Assert.Single(MdstatReading.Parse(mdstat));

        Assert.Equal(("raid1", "recovering", null), (array.Level, array.State, array.RecoveryPercent));
    }

    [Fact]
    public void A_host_without_arrays_has_none()
    {
        using var mdstat = new StringReader("Personalities : \nunused devices: <none>\n");

        Assert.Empty(MdstatReading.Parse(mdstat));
    }
}
