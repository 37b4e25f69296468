using System.Net;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// Quotas on agents, rules and silences, enforced by the silo: over one, a new agent's sample is a 429 with Retry-After
/// (its agent keeps the sample and retries), a new rule or silence a 409; nothing is stored, and agents already
/// registered keep reporting.
/// </summary>
public abstract class QuotaTests(ApiTopology topology) : OwnApiTests(topology, Quotas)
{
    public const int MaxRules = 10;
    public const int MaxSilences = 2;

    /// <summary>The silo's settings: on the cluster they are its silos', on the all-in-one node its own.</summary>
    public static readonly Dictionary<string, string> Quotas = new()
    {
        ["Quotas:MaxAgents"] = "2",
        ["Quotas:MaxRules"] = "10",
        ["Quotas:MaxSilences"] = "2",
    };

    [Fact]
    public async Task A_new_agent_over_the_quota_is_refused_with_429_and_stored_nowhere_while_registered_agents_keep_reporting()
    {
        var ct = TestContext.Current.CancellationToken;
        var (first, second, third, fourth) = (Samples.NewAgentId("q1"), Samples.NewAgentId("q2"), Samples.NewAgentId("q3"), Samples.NewAgentId("q4"));
        Assert.Equal(HttpStatusCode.OK, (await Http.PostSampleAsync(Samples.Sample(first, Samples.RecentTime(90)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostSampleAsync(Samples.Sample(second, Samples.RecentTime(90)))).StatusCode);

        var refused = await Http.PostSampleAsync(Samples.Sample(third, Samples.RecentTime(60)));
        var batch = await Http.PostBatchAsync([Samples.Sample(fourth, Samples.RecentTime(60)), Samples.Sample(fourth, Samples.RecentTime(50))]);
        var registered = await Http.PostSampleAsync(Samples.Sample(first, Samples.RecentTime(60)));

        var problem = await refused.ReadJsonAsync();
        await ApiClient.AssertProblemAsync(batch, HttpStatusCode.TooManyRequests, "agent quota is full");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("The agent quota is full", problem.GetProperty("title").GetString());
        Assert.Contains("Quotas:MaxAgents", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal((0, 0, 0, 0), (Api.AgentRows(third), Api.HistoryRows(third), Api.AgentRows(fourth), Api.HistoryRows(fourth)));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(2, Api.HistoryRows(first));

        // Deleting an agent makes room: the refused agent's retry is taken.
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/agents/{second}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostSampleAsync(Samples.Sample(third, Samples.RecentTime(60)))).StatusCode);
        Assert.Equal(1, Api.HistoryRows(third));
    }

    [Fact]
    public async Task A_rule_or_silence_over_its_quota_is_refused_with_409_and_nothing_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var existing = (await (await Http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList)).Rules.Count;
        for (var i = existing; i < MaxRules; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Http.PostRawAsync("/api/v1/alert-rules", Rule($"quota_{i}"))).StatusCode);
        }

        for (var i = 0; i < MaxSilences; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Http.PostRawAsync("/api/v1/silences", Silence())).StatusCode);
        }

        var rulesBefore = await (await Http.FetchAsync("/api/v1/alert-rules")).Content.ReadAsStringAsync(ct);
        var silencesBefore = await (await Http.FetchAsync("/api/v1/silences")).Content.ReadAsStringAsync(ct);

        var rule = await Http.PostRawAsync("/api/v1/alert-rules", Rule("quota_over"));
        var silence = await Http.PostRawAsync("/api/v1/silences", Silence());

        await ApiClient.AssertProblemAsync(rule, HttpStatusCode.Conflict, "rule quota is full");
        await ApiClient.AssertProblemAsync(silence, HttpStatusCode.Conflict, "silence quota is full");
        Assert.Equal(rulesBefore, await (await Http.FetchAsync("/api/v1/alert-rules")).Content.ReadAsStringAsync(ct));
        Assert.Equal(silencesBefore, await (await Http.FetchAsync("/api/v1/silences")).Content.ReadAsStringAsync(ct));
        // Replacing a rule is no new rule: the quota does not stop it.
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsync($"/api/v1/alert-rules/quota_{MaxRules - 1}",
            new StringContent(Rule($"quota_{MaxRules - 1}", threshold: 5), System.Text.Encoding.UTF8, "application/json"), ct)).StatusCode);
    }

    private static string Rule(string id, double threshold = 4) =>
        $$"""{"id": "{{id}}", "name": "{{id}}", "metric": "load.load1", "comparator": ">", "threshold": {{threshold}}}""";

    private static string Silence() =>
        $$"""{"matchers": {"agent_id": "quota-{{Guid.NewGuid():N}}"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""";
}

/// <summary>A cluster whose silos run with small quotas, its own so that filling them touches no other test.</summary>
public sealed class QuotaClusterFixture() : ClusterFixture(QuotaTests.Quotas);

[CollectionDefinition(Name)]
public sealed class QuotaClusterCollection : ICollectionFixture<QuotaClusterFixture>
{
    public const string Name = "quota-cluster";
}

[Collection(QuotaClusterCollection.Name)]
public sealed class QuotaTestsOnCluster(QuotaClusterFixture fixture) : QuotaTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class QuotaTestsOnAllInOne(AllInOneFixture fixture) : QuotaTests(fixture);
