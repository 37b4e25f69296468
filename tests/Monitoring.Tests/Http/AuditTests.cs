using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Monitoring.Tests.Alerts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The audit log on the real API with access tokens: every admin action is appended with who, what, when, before and
/// after; a refused or invalid request appends nothing; only admins read it, page by page, newest first.
/// </summary>
public abstract class AuditTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    private const string AgentToken = "agent-token-0123456789abcdef";
    private const string ReadToken = "read-token-0123456789abcdef";
    private const string AdminToken = "admin-token-0123456789abcdef";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["AgentAuth:Tokens:0:Token"] = AgentToken,
        ["AccessTokens:0:Token"] = ReadToken,
        ["AccessTokens:0:Role"] = "read",
        ["AccessTokens:1:Token"] = AdminToken,
        ["AccessTokens:1:Role"] = "admin",
        ["AccessTokens:1:Name"] = "alice",
    };

    [Fact]
    public async Task Each_admin_action_is_appended_with_its_actor_and_the_target_before_and_after()
    {
        var ct = TestContext.Current.CancellationToken;
        var agent = Samples.NewAgentId();
        var ruleId = "audit_" + Guid.NewGuid().ToString("N")[..12];
        var rule = $$$"""{"id": "{{{ruleId}}}", "name": "cpu high", "metric": "cpu_percent", "comparator": ">", "threshold": 5, "scope": {"agent_ids": ["{{{agent}}}"]}}""";
        Authorize(AdminToken);

        Assert.Equal(HttpStatusCode.Created, (await Http.PostRawAsync("/api/v1/alert-rules", rule)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsync($"/api/v1/alert-rules/{ruleId}", Json(rule.Replace("5,", "7,", StringComparison.Ordinal)), ct)).StatusCode);
        var alertId = await FiringAlertAsync(agent, ruleId);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostRawAsync($"/api/v1/alerts/{alertId}/ack", """{"by": "mallory", "comment": "on it"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/alert-rules/{ruleId}", ct)).StatusCode);
        var silence = await (await Http.PostRawAsync("/api/v1/silences",
            $$"""{"matchers": {"agent_id": "{{agent}}"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "comment": "maintenance"}""")).ReadJsonAsync();
        var silenceId = silence.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/silences/{silenceId}", ct)).StatusCode);

        var entries = (await AuditAsync("?limit=1000")).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("target").GetString() is var target && (target == ruleId || target == alertId || target == silenceId))
            .Reverse().ToList();
        Assert.Equal(
            ["CreateAlertRule", "ReplaceAlertRule", "AcknowledgeAlert", "DeleteAlertRule", "CreateSilence", "DeleteSilence"],
            entries.Select(e => e.GetProperty("operation").GetString()));
        Assert.All(entries, e => Assert.Equal("alice", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.InRange(e.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        var (create, replace, ack, delete, silenced, unsilenced) = (entries[0], entries[1], entries[2], entries[3], entries[4], entries[5]);
        Assert.True(Absent(create, "before"));
        Assert.Equal(5, create.GetProperty("after").GetProperty("threshold").GetDouble());
        Assert.Equal((5.0, 7.0), (replace.GetProperty("before").GetProperty("threshold").GetDouble(), replace.GetProperty("after").GetProperty("threshold").GetDouble()));
        Assert.True(Absent(ack.GetProperty("before"), "acknowledged"));
        Assert.Equal(("alice", "on it"), (ack.GetProperty("after").GetProperty("acknowledged").GetProperty("by").GetString(), ack.GetProperty("after").GetProperty("acknowledged").GetProperty("comment").GetString()));
        Assert.Equal(7, delete.GetProperty("before").GetProperty("threshold").GetDouble());
        Assert.True(Absent(delete, "after"));
        Assert.Equal(("alice", "maintenance"), (silenced.GetProperty("after").GetProperty("created_by").GetString(), silenced.GetProperty("after").GetProperty("comment").GetString()));
        Assert.Equal(silenceId, unsilenced.GetProperty("before").GetProperty("id").GetString());
        Assert.True(Absent(unsilenced, "after"));
    }

    [Fact]
    public async Task A_refused_or_invalid_request_appends_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var ruleId = "audit_" + Guid.NewGuid().ToString("N")[..12];
        var rule = $$"""{"id": "{{ruleId}}", "name": "load high", "metric": "load.load1", "comparator": ">", "threshold": 4}""";
        var before = Entries();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostRawAsync("/api/v1/alert-rules", rule)).StatusCode);
        Authorize(ReadToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.PostRawAsync("/api/v1/alert-rules", rule)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.PostRawAsync("/api/v1/silences", """{"matchers": {"agent_id": "*"}}""")).StatusCode);
        Authorize(AdminToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostRawAsync("/api/v1/alert-rules", rule.Replace("\"load.load1\"", "\"\"", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostRawAsync("/api/v1/silences", """{"matchers": {"agent_id": "*"}, "ends_at": "2001-01-01T00:00:00Z"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/api/v1/alert-rules/{ruleId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync("/api/v1/silences/no_such_silence", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostRawAsync($"/api/v1/alerts/{Samples.NewAgentId()}~cpu_high~00000000/ack", """{"comment": "?"}""")).StatusCode);

        Assert.Equal(before, Entries());
    }

    [Fact]
    public async Task Only_an_admin_reads_the_audit_log()
    {
        var anonymous = await Http.FetchAsync("/api/v1/audit");
        Authorize(ReadToken);
        var reader = await Http.FetchAsync("/api/v1/audit");
        Authorize(AdminToken);
        var admin = await Http.FetchAsync("/api/v1/audit");

        await ApiClient.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "token is required");
        await ApiClient.AssertProblemAsync(reader, HttpStatusCode.Forbidden, "role may not do this");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task The_audit_log_pages_newest_first_with_a_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        Authorize(AdminToken);
        var silences = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await (await Http.PostRawAsync("/api/v1/silences",
                $$"""{"matchers": {"agent_id": "{{Samples.NewAgentId()}}"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""")).ReadJsonAsync();
            silences.Add(created.GetProperty("id").GetString()!);
        }

        var first = await AuditAsync("?limit=2");
        var second = await AuditAsync($"?limit=2&cursor={first.GetProperty("next_cursor").GetString()}");
        var invalid = await Http.FetchAsync("/api/v1/audit?cursor=abc");

        var targets = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray())
            .Select(e => e.GetProperty("target").GetString()).ToList();
        Assert.Equal([silences[2], silences[1], silences[0]], targets.Take(3));
        var ids = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        await ApiClient.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "audit query is invalid");
        foreach (var id in silences)
        {
            await Http.DeleteAsync($"/api/v1/silences/{id}", ct);
        }
    }

    [Fact]
    public async Task Deleting_an_agent_is_appended_with_the_agent_as_it_was_and_an_unknown_one_appends_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var agent = Samples.NewAgentId();
        using var ingest = Api.CreateClient();
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentToken);
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime(), cpu: 33, name: "doomed"))).StatusCode);
        Authorize(AdminToken);

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/agents/{agent}", ct)).StatusCode);
        var entries = Entries();
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/api/v1/agents/{agent}", ct)).StatusCode);

        Assert.Equal(entries, Entries());
        var entry = Assert.Single((await AuditAsync("?limit=1000")).GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == agent);
        Assert.Equal(("DeleteAgent", "alice"), (entry.GetProperty("operation").GetString(), entry.GetProperty("actor").GetString()));
        Assert.Equal(("doomed", 33.0), (entry.GetProperty("before").GetProperty("agent_name").GetString(), entry.GetProperty("before").GetProperty("cpu_percent").GetDouble()));
        Assert.True(Absent(entry, "after"));
    }

    private static bool Absent(JsonElement entry, string name) =>
        !entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null;

    private long Entries() => Api.Scalar("SELECT count(*) FROM audit_log");

    private async Task<JsonElement> AuditAsync(string query)
    {
        var response = await Http.FetchAsync("/api/v1/audit" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Reports samples of the agent over the rule's threshold until the rule (once every silo has it) raises an alert.</summary>
    private async Task<string> FiringAlertAsync(string agent, string ruleId)
    {
        using var ingest = Api.CreateClient();
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentToken);
        var at = Samples.RecentTime(600);
        string? alertId = null;
        await Eventually.TrueAsync(async () =>
        {
            at = at.AddSeconds(1);
            Assert.Equal(HttpStatusCode.OK, (await ingest.PostSampleAsync(Samples.Sample(agent, at, cpu: 95))).StatusCode);
            var alerts = await (await Http.FetchAsync($"/api/v1/alerts?agent_id={agent}")).ReadJsonAsync();
            alertId = alerts.GetProperty("alerts").EnumerateArray().Where(a => a.GetProperty("rule_id").GetString() == ruleId)
                .Select(a => a.GetProperty("id").GetString()).FirstOrDefault();
            return alertId is not null;
        }, "the rule raises an alert");
        return alertId!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private void Authorize(string token) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}

[Collection(ClusterCollection.Name)]
public sealed class AuditTestsOnCluster(ClusterFixture fixture) : AuditTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class AuditTestsOnAllInOne(AllInOneFixture fixture) : AuditTests(fixture);
