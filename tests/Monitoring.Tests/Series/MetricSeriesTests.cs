using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Series;

public sealed class MetricSeriesTests
{
    [Fact]
    public void Seed_shaped_sample_flattens_to_headlines_and_checks()
    {
        var series = MetricSeries.Flatten(Samples.Sample("a", Samples.RecentTime())).ToDictionary();

        Assert.Equal(12.5, series["cpu_percent"]);
        Assert.Equal(25, series["memory.percent"]);
        Assert.Equal(40, series["disk.percent"]);
        Assert.Equal(1.25, series["check[db.internal:5432].latency_ms"]);
        Assert.Equal(1, series["check[db.internal:5432].reachable"]);
        Assert.Equal(1, series["check[https://example.org/health].reachable"]);
        Assert.DoesNotContain(series.Keys, key => key.StartsWith("cpu.", StringComparison.Ordinal));
    }

    [Fact]
    public void Detailed_sample_names_each_core_mount_device_interface_and_health_value()
    {
        var series = MetricSeries.Flatten(Samples.Detailed("a", Samples.RecentTime())).ToDictionary();

        Assert.Equal(15, series["cpu.core[1]"]);
        Assert.Equal(1, series["cpu.iowait"]);
        Assert.Equal(0.25, series["load.load5"]);
        Assert.Equal(25, series["swap.percent"]);
        Assert.Equal(95, series["disk[/home].percent"]);
        Assert.Equal(5, series["disk[/].inodes_percent"]);
        Assert.Equal(8192, series["diskio[sda].write_bytes_per_sec"]);
        Assert.Equal(1000, series["net[eth0].rx_bytes_per_sec"]);
        Assert.Equal(3600, series["uptime_seconds"]);
        Assert.Equal(3, series["agent.spool_depth"]);
        Assert.Equal(2, series["agent.spool_memory_samples"]);
        Assert.Equal(-1.5, series["agent.clock_offset_ms"]);
    }

    [Fact]
    public void Sensors_are_named_by_their_kernel_label_and_the_cpu_figures_join_the_cpu_series()
    {
        var series = MetricSeries.Flatten(Samples.Detailed("a", Samples.RecentTime())).ToDictionary();

        Assert.Equal(54, series["temp[coretemp/Package id 0].celsius"]);
        Assert.Equal(27.8, series["temp[acpitz/temp1].celsius"]);
        Assert.Equal(1150, series["fan[nct6798/fan2].rpm"]);
        Assert.Equal(1975, series["cpu.frequency_mhz"]);
        Assert.Equal(3, series["cpu.throttle_count"]);
        Assert.Equal(1, series["cpu.package_throttle_count"]);
        Assert.DoesNotContain(series.Keys, key => key.Contains("_celsius", StringComparison.Ordinal));
    }

    [Fact]
    public void Top_processes_are_shown_but_only_their_count_is_a_series()
    {
        var series = MetricSeries.Flatten(Samples.Detailed("a", Samples.RecentTime())).ToDictionary();

        Assert.Equal(213, series["processes.total"]);
        Assert.DoesNotContain(series.Keys, key => key.Contains("postgres", StringComparison.Ordinal) || key.Contains("1234", StringComparison.Ordinal));
        Assert.Single(series.Keys, key => key.StartsWith("processes", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_series_of_a_detailed_sample_can_be_the_metric_of_an_alert_rule()
    {
        var series = MetricSeries.Flatten(Samples.Detailed("a", Samples.RecentTime())).Select(value => value.Key);

        Assert.All(series, name => Assert.True(AlertRuleValidator.IsKnownMetric(name), $"{name} is no metric an alert rule accepts."));
        Assert.True(AlertRuleValidator.IsKnownMetric("temp[*].celsius"));
        Assert.True(AlertRuleValidator.IsKnownMetric("fan[*].rpm"));
    }

    [Fact]
    public void A_rule_on_every_temperature_fires_once_for_each_hot_sensor()
    {
        var sample = Samples.Detailed("web-01", Samples.RecentTime());
        var hot = sample with
        {
            System = sample.System! with
            {
                Sensors = sample.System.Sensors! with
                {
                    Temperatures = [.. sample.System.Sensors.Temperatures!, new TemperatureMetrics { Name = "coretemp/Core 4", Celsius = 97 }],
                },
            },
        };
        var rules = CompiledRuleSet.From([new AlertRule { Id = "too-hot", Name = "Too hot", Metric = "temp[*].celsius", Comparator = ">", Threshold = 50, Severity = "warning" }]);
        var evaluator = new AlertEvaluator(new AgentAlertState(), new AlertingOptions());

        evaluator.OnSample(rules, "web-01", "web server", MetricSeries.Flatten(hot).ToDictionary(), hot.Timestamp!.Value);

        Assert.Equal(
            ["temp[coretemp/Core 4].celsius", "temp[coretemp/Package id 0].celsius"],
            evaluator.State.Alerts.Values.Where(alert => alert.State == AlertState.Firing).Select(alert => alert.Series).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Seed_shaped_sample_has_no_sensor_or_process_series()
    {
        var series = MetricSeries.Flatten(Samples.Sample("a", Samples.RecentTime())).ToDictionary();

        Assert.DoesNotContain(series.Keys, key => key.StartsWith("temp[", StringComparison.Ordinal) || key.StartsWith("fan[", StringComparison.Ordinal) || key.StartsWith("processes", StringComparison.Ordinal));
    }

    [Fact]
    public void Disk_health_and_services_are_named_by_disk_array_and_unit_with_flags_as_one_or_zero()
    {
        var series = MetricSeries.Flatten(HealthSamples.With(Samples.Sample("a", Samples.RecentTime()), diskFailing: true, serviceFailed: true)).ToDictionary();

        Assert.Equal(0, series["smart[sda].healthy"]);
        Assert.Equal(34, series["smart[sda].temperature_celsius"]);
        Assert.Equal(33906, series["smart[sda].power_on_hours"]);
        Assert.Equal(1864, series["smart[sda].reallocated_sectors"]);
        Assert.Equal(2, series["smart[sda].pending_sectors"]);
        Assert.False(series.ContainsKey("smart[sda].percentage_used"));
        Assert.Equal(1, series["smart[nvme0].healthy"]);
        Assert.Equal(3, series["smart[nvme0].percentage_used"]);
        Assert.False(series.ContainsKey("smart[nvme0].reallocated_sectors"));
        Assert.Equal(1, series["raid[md0].degraded"]);
        Assert.Equal(1, series["raid[md0].failed_disks"]);
        Assert.Equal(2, series["raid[md0].total_disks"]);
        Assert.Equal(17.3, series["raid[md0].recovery_percent"]);
        Assert.Equal((1, 0, 2), (series["service[nginx.service].active"], series["service[nginx.service].failed"], series["service[nginx.service].restarts"]));
        Assert.Equal((0, 1), (series["service[backup.service].active"], series["service[backup.service].failed"]));
    }

    [Fact]
    public void Every_disk_health_and_service_series_is_a_metric_alert_rules_accept()
    {
        var names = MetricSeries.Flatten(HealthSamples.With(Samples.Sample("a", Samples.RecentTime()))).Select(pair => pair.Key)
            .Where(name => name.StartsWith("smart[", StringComparison.Ordinal) || name.StartsWith("raid[", StringComparison.Ordinal) || name.StartsWith("service[", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(19, names.Count);
        Assert.All(names, name => Assert.True(AlertRuleValidator.IsKnownMetric(name), name));
        Assert.All(["smart[*].healthy", "raid[*].degraded", "service[*].active", "service[*].restarts"], glob => Assert.True(AlertRuleValidator.IsKnownMetric(glob), glob));
        Assert.False(AlertRuleValidator.IsKnownMetric("service[*].color"));
    }

    [Fact]
    public void Down_check_is_unreachable()
    {
        var sample = Samples.Sample("a", Samples.RecentTime()) with
        {
            Network = [new() { Host = "gateway", Status = "down", Error = "timeout", Kind = "icmp" }],
        };

        var series = MetricSeries.Flatten(sample).ToDictionary();

        Assert.Equal(0, series["check[gateway].reachable"]);
        Assert.False(series.ContainsKey("check[gateway].latency_ms"));
    }
}
