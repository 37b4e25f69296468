using System.Net;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

public abstract class ExportApiTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Prometheus_export_carries_each_agents_newest_values_with_escaped_labels()
    {
        var ct = TestContext.Current.CancellationToken;
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        await _http.PostSampleAsync(Samples.Detailed(agentId, at.AddSeconds(-30)) with { AgentName = "rack \"7\"" });
        await _http.PostSampleAsync(Samples.Detailed(agentId, at) with { AgentName = "rack \"7\"", System = Samples.Detailed(agentId, at).System! with { CpuPercent = 33.25 } });

        var response = await _http.FetchAsync("/api/v1/export/prometheus");
        var text = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var labels = $"agent_id=\"{agentId}\",agent_name=\"rack \\\"7\\\"\"";
        Assert.Contains($"\nmonitoring_agent_up{{{labels}}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nmonitoring_agent_cpu_percent{{{labels}}} 33.25\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nmonitoring_agent_mount_percent{{{labels},mount=\"/home\"}} 95\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nmonitoring_agent_interface_rx_bytes_per_sec{{{labels},interface=\"eth0\"}} 1000\n", text, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE monitoring_alert_firing gauge\n", text, StringComparison.Ordinal);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class ExportApiTestsOnCluster(ClusterFixture fixture) : ExportApiTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class ExportApiTestsOnAllInOne(AllInOneFixture fixture) : ExportApiTests(fixture);
