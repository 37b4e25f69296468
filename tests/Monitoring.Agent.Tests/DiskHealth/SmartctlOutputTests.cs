using Monitoring.Agent.DiskHealth;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.DiskHealth;

public sealed class SmartctlOutputTests
{
    private static readonly DateTimeOffset CheckedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Scan_lists_each_disk_with_the_type_to_open_it_with()
    {
        var devices = SmartctlOutput.ParseScan(Read("scan.json"));

        Assert.Equal(
            [("/dev/sda", "sat", "sda"), ("/dev/sdb", "sat", "sdb"), ("/dev/nvme0", "nvme", "nvme0")],
            devices.Select(device => (device.Path, device.Type, device.Name)));
    }

    [Fact]
    public void Disks_behind_a_raid_controller_share_a_path_and_are_named_by_their_type_without_commas()
    {
        Assert.Equal("bus/0:megaraid_1", new SmartDevice("/dev/bus/0", "megaraid,1").Name);
        Assert.Equal("bus/0:sat+megaraid_2", new SmartDevice("/dev/bus/0", "sat+megaraid,2").Name);
    }

    [Fact]
    public void Sata_disk_reports_health_temperature_hours_and_its_reallocated_and_pending_sectors()
    {
        var disk = SmartctlOutput.ParseDevice(Read("sata.json"), 0, "sda", CheckedAt);

        Assert.Equal(
            new SmartDisk
            {
                Device = "sda",
                Model = "WDC WD40EFRX-68N32N0",
                Serial = "WD-WCC7K4NT2X1F",
                Protocol = "ata",
                Healthy = true,
                TemperatureCelsius = 34,
                PowerOnHours = 33906,
                ReallocatedSectors = 0,
                PendingSectors = 2,
                CheckedAt = CheckedAt,
            },
            disk);
    }

    [Fact]
    public void Nvme_disk_reports_the_percentage_used_and_no_ata_attributes()
    {
        var disk = SmartctlOutput.ParseDevice(Read("nvme.json"), 0, "nvme0", CheckedAt);

        Assert.Equal(
            new SmartDisk
            {
                Device = "nvme0",
                Model = "Samsung SSD 980 PRO 1TB",
                Serial = "S5GXNF0R612345K",
                Protocol = "nvme",
                Healthy = true,
                TemperatureCelsius = 41,
                PowerOnHours = 6128,
                PercentageUsed = 3,
                CheckedAt = CheckedAt,
            },
            disk);
    }

    [Fact]
    public void Failing_disk_still_has_a_full_reading_although_smartctl_exits_with_the_failing_bits()
    {
        var disk = SmartctlOutput.ParseDevice(Read("sata-failing.json"), 24, "sdb", CheckedAt);

        Assert.NotNull(disk);
        Assert.Equal((false, 1864L, 312L, 51233L), (disk.Healthy, disk.ReallocatedSectors, disk.PendingSectors, disk.PowerOnHours));
    }

    [Fact]
    public void Disk_smartctl_could_not_open_has_no_reading_and_its_message_says_why()
    {
        var output = Read("permission-denied.json");

        Assert.Null(SmartctlOutput.ParseDevice(output, 2, "sda", CheckedAt));
        Assert.False(SmartctlOutput.IsAsleep(output));
        Assert.Equal("Smartctl open device: /dev/sda [SAT] failed: Permission denied", SmartctlOutput.FirstMessage(output));
    }

    [Fact]
    public void Sleeping_disk_is_recognised_and_has_no_reading()
    {
        var output = Read("standby.json");

        Assert.Null(SmartctlOutput.ParseDevice(output, 2, "sda", CheckedAt));
        Assert.True(SmartctlOutput.IsAsleep(output));
    }

    [Theory]
    [InlineData("")]
    [InlineData("smartctl 6.6: unrecognized option '--json'")]
    public void Output_that_is_not_json_is_a_format_error(string output)
    {
        Assert.Throws<FormatException>(() => SmartctlOutput.ParseScan(output));
        Assert.Throws<FormatException>(() => SmartctlOutput.ParseDevice(output, 0, "sda", CheckedAt));
    }

    [Fact]
    public void Values_of_an_unexpected_kind_are_left_out_rather_than_failing_the_disk()
    {
        const string odd = """{"smart_status": {"passed": "yes"}, "temperature": {"current": "hot"}, "power_on_time": 12, "ata_smart_attributes": {"table": [{"id": "5"}, 7]}}""";

        var disk = SmartctlOutput.ParseDevice(odd, 0, "sda", CheckedAt);

        Assert.Equal(new SmartDisk { Device = "sda", CheckedAt = CheckedAt }, disk);
    }

    private static string Read(string name) => File.ReadAllText(Fixture.Path(Path.Combine("smartctl", name)));
}
