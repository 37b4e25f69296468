using System.Net;
using System.Text;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>The fleet list a page at a time, and deleting an agent with its history and alerts.</summary>
public abstract class FleetApiTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task The_agent_list_pages_by_agent_id_with_a_cursor_until_every_agent_was_listed_once()
    {
        var prefix = "page-" + Guid.NewGuid().ToString("N")[..8];
        string[] ids = [.. Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}")];
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await _http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime()))).StatusCode);
        }

        var listed = new List<string>();
        var pages = 0;
        for (var path = "/api/v1/agents?limit=3"; path is not null; pages++)
        {
            var response = await _http.FetchAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadAsync(MonitoringJsonContext.Default.AgentList);
            listed.AddRange(page.Agents.Select(a => a.AgentId));
            if (page.NextCursor is { } next)
            {
                Assert.Equal(3, page.Agents.Count);
                Assert.Equal($"</api/v1/agents?limit=3&cursor={next}>; rel=\"next\"", Assert.Single(response.Headers.GetValues("Link")));
                path = $"/api/v1/agents?limit=3&cursor={Uri.EscapeDataString(next)}";
            }
            else
            {
                Assert.False(response.Headers.Contains("Link"));
                path = null;
            }
        }

        var whole = await (await _http.FetchAsync("/api/v1/agents")).ReadAsync(MonitoringJsonContext.Default.AgentList);
        Assert.True(pages >= 2, $"{pages} pages");
        Assert.Equal([.. listed.Order(StringComparer.Ordinal)], listed);
        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Subset(listed.ToHashSet(StringComparer.Ordinal), ids.ToHashSet(StringComparer.Ordinal));
        // Within the default page the list is whole and unchanged in shape: no cursor for a caller that does not page.
        Assert.Null(whole.NextCursor);
        Assert.Subset(whole.Agents.Select(a => a.AgentId).ToHashSet(StringComparer.Ordinal), listed.ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=%25%25%25", "cursor")]
    [InlineData("cursor=bm90IGFuIGlk", "cursor")]
    public async Task A_bad_limit_or_cursor_is_a_400_naming_it(string query, string field)
    {
        var response = await _http.FetchAsync($"/api/v1/agents?{query}");

        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The agent list request is invalid.", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Deleting_an_agent_removes_its_registration_history_and_alerts_and_its_next_sample_makes_it_new()
    {
        var ct = TestContext.Current.CancellationToken;
        var agentId = Samples.NewAgentId("del");
        await _http.PostBatchAsync([Samples.Sample(agentId, Samples.RecentTime(120), cpu: 99), Samples.Sample(agentId, Samples.RecentTime(60), cpu: 99)]);
        var pending = await (await _http.FetchAsync($"/api/v1/alerts?agent_id={agentId}")).ReadAsync(MonitoringJsonContext.Default.AlertList);
        Assert.Contains(pending.Alerts, a => a.RuleId == "cpu_high" && a.State == "pending");
        var before = DateTimeOffset.UtcNow;

        var deleted = await _http.DeleteAsync($"/api/v1/agents/{agentId}", ct);
        var again = await _http.DeleteAsync($"/api/v1/agents/{agentId}", ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ApiClient.AssertProblemAsync(again, HttpStatusCode.NotFound, "Unknown agent");
        Assert.Equal((0, 0), (fixture.AgentRows(agentId), fixture.HistoryRows(agentId)));
        Assert.Equal(0, fixture.Scalar("SELECT count(*) FROM alerts WHERE agent_id = @id", ("@id", agentId)));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/agents/{agentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest")).StatusCode);
        Assert.Empty((await (await _http.FetchAsync($"/api/v1/alerts?agent_id={agentId}")).ReadAsync(MonitoringJsonContext.Default.AlertList)).Alerts);
        var fleetAlerts = await _http.FetchAsync("/api/v1/alerts");
        Assert.True(fleetAlerts.IsSuccessStatusCode, $"{fleetAlerts.StatusCode}: {await fleetAlerts.Content.ReadAsStringAsync(ct)}");
        Assert.DoesNotContain((await fleetAlerts.ReadAsync(MonitoringJsonContext.Default.AlertList)).Alerts, a => a.AgentId == agentId);
        Assert.DoesNotContain((await (await _http.FetchAsync("/api/v1/agents")).ReadAsync(MonitoringJsonContext.Default.AgentList)).Agents, a => a.AgentId == agentId);

        Assert.Equal(HttpStatusCode.OK, (await _http.PostSampleAsync(Samples.Sample(agentId, Samples.RecentTime(30), cpu: 10))).StatusCode);
        var renewed = await (await _http.FetchAsync($"/api/v1/agents/{agentId}")).ReadAsync(MonitoringJsonContext.Default.AgentSummary);
        Assert.True(renewed.FirstSeen >= before.AddMilliseconds(-1), $"first seen {renewed.FirstSeen:O}, deleted after {before:O}");
        Assert.Equal(1, fixture.HistoryRows(agentId));
        Assert.Empty((await (await _http.FetchAsync($"/api/v1/alerts?agent_id={agentId}")).ReadAsync(MonitoringJsonContext.Default.AlertList)).Alerts);
    }

    [Fact]
    public async Task Deleting_an_invalid_agent_id_is_a_400_and_an_unknown_one_a_404()
    {
        var ct = TestContext.Current.CancellationToken;

        var invalid = await _http.DeleteAsync("/api/v1/agents/not%20an%20id", ct);
        var unknown = await _http.DeleteAsync($"/api/v1/agents/{Samples.NewAgentId()}", ct);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        await ApiClient.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "Unknown agent");
    }
}

[Collection(ClusterCollection.Name)]
public sealed class FleetApiTestsOnCluster(ClusterFixture fixture) : FleetApiTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class FleetApiTestsOnAllInOne(AllInOneFixture fixture) : FleetApiTests(fixture);
