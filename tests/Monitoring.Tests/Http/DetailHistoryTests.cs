using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>The optional detail of a sample (per-core CPU, mounts, interfaces, checks, agent health) is kept and queryable.</summary>
public abstract class DetailHistoryTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Latest_keeps_the_system_detail_and_the_agent_health()
    {
        var agentId = Samples.NewAgentId();
        await _http.PostSampleAsync(Samples.Detailed(agentId, Samples.RecentTime()));

        var latest = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest")).ReadAsync(MonitoringJsonContext.Default.LatestMetrics);

        Assert.Equal([10.0, 15.0], latest.System.Cpu?.PerCore);
        Assert.Equal(95, latest.System.Disks?[1].Percent);
        Assert.Equal("eth0", latest.System.Interfaces?[0].Name);
        Assert.Equal("1.2.3", latest.Agent?.Version);
        Assert.Equal(3, latest.Agent?.SpoolDepth);
    }

    [Fact]
    public async Task Raw_history_names_every_detail_and_check_value_as_a_series()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        await _http.PostSampleAsync(Samples.Detailed(agentId, at));
        await _http.PostSampleAsync(Samples.Sample(agentId, at.AddSeconds(1)));

        var history = await (await _http.FetchAsync(HistoryPath(agentId, at, "")))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        Assert.Equal(2, history.Samples!.Count);
        var detailed = history.Samples[0].Series!;
        Assert.Equal(15, detailed["cpu.core[1]"]);
        Assert.Equal(95, detailed["disk[/home].percent"]);
        Assert.Equal(1000, detailed["net[eth0].rx_bytes_per_sec"]);
        Assert.Equal(3, detailed["agent.spool_depth"]);
        Assert.Equal(1.25, detailed["check[db.internal:5432].latency_ms"]);
        var seedShaped = history.Samples[1].Series!;
        Assert.False(seedShaped.ContainsKey("cpu.core[1]"));
        Assert.Equal(1, seedShaped["check[https://example.org/health].reachable"]);
    }

    [Fact]
    public async Task Disk_health_and_services_are_kept_in_latest_and_selected_from_history_by_glob()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        await _http.PostSampleAsync(HealthSamples.With(Samples.Sample(agentId, at), diskFailing: true, serviceFailed: true));

        var latest = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest")).ReadAsync(MonitoringJsonContext.Default.LatestMetrics);
        var history = await (await _http.FetchAsync(HistoryPath(agentId, at, "&series=smart[*].healthy,raid[*].degraded,service[*].active")))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        Assert.Equal(1864, latest.System.DiskHealth?.Smart?[0].ReallocatedSectors);
        Assert.Equal("recovering", latest.System.DiskHealth?.Raid?[0].State);
        Assert.Equal("failed", latest.System.Services?[1].ActiveState);
        var series = Assert.Single(history.Samples!).Series!;
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["smart[sda].healthy"] = 0,
                ["smart[nvme0].healthy"] = 1,
                ["raid[md0].degraded"] = 1,
                ["service[nginx.service].active"] = 1,
                ["service[backup.service].active"] = 0,
            },
            series.Where(pair => pair.Key.Contains('[', StringComparison.Ordinal)).ToDictionary());
    }

    [Fact]
    public async Task Buckets_aggregate_every_detail_and_check_series_in_sql()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime(600);
        var first = Samples.Detailed(agentId, at);
        var second = Samples.Detailed(agentId, at.AddSeconds(10)) with
        {
            System = first.System! with { Cpu = first.System.Cpu! with { PerCore = [30, 45] } },
            Network = [new() { Host = "db.internal", Port = 5432, Status = "down", LatencyMs = 3.75, Kind = "tcp" }],
        };
        await _http.PostBatchAsync([first, second]);

        var history = await (await _http.FetchAsync(HistoryPath(agentId, at, "&step=1h")))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        var bucket = Assert.Single(history.Buckets!);
        Assert.Equal(2, bucket.Count);
        Assert.Equal(new Aggregate(30, 15, 45), bucket.Series!["cpu.core[1]"]);
        Assert.Equal(new Aggregate(95, 95, 95), bucket.Series["disk[/home].percent"]);
        Assert.Equal(new Aggregate(2.5, 1.25, 3.75), bucket.Series["check[db.internal:5432].latency_ms"]);
        Assert.Equal(new Aggregate(0.5, 0, 1), bucket.Series["check[db.internal:5432].reachable"]);
        Assert.Equal(new Aggregate(1, 1, 1), bucket.Series["check[https://example.org/health].reachable"]);
    }

    private static string HistoryPath(string agentId, DateTimeOffset at, string query) =>
        $"/api/v1/metrics/{agentId}/history?from={Uri.EscapeDataString(at.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(at.AddMinutes(1).ToString("O"))}{query}";
}

[Collection(ClusterCollection.Name)]
public sealed class DetailHistoryTestsOnCluster(ClusterFixture fixture) : DetailHistoryTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class DetailHistoryTestsOnAllInOne(AllInOneFixture fixture) : DetailHistoryTests(fixture);
