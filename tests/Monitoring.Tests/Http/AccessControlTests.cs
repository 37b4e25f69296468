using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The real API with agent tokens and access tokens configured, on the shared cluster: every operation of the OpenAPI
/// document is asked by each kind of caller, and a refusal changes nothing.
/// </summary>
public abstract class AccessControlTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    private const string AgentToken = "agent-token-0123456789abcdef";
    private const string ReadToken = "read-token-0123456789abcdef";
    private const string AdminToken = "admin-token-0123456789abcdef";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["AgentAuth:Tokens:0:Token"] = AgentToken,
        ["AccessTokens:0:Token"] = ReadToken,
        ["AccessTokens:0:Role"] = "read",
        ["AccessTokens:0:Name"] = "grafana",
        // Given as its hash, so that the plain token sits in no configuration file.
        ["AccessTokens:1:Token"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken))),
        ["AccessTokens:1:Role"] = "admin",
        ["AccessTokens:1:Name"] = "alice",
    };

    /// <summary>What each operation needs. An operation of the document without an entry here fails the matrix.</summary>
    private static readonly Dictionary<string, Need> Needs = new()
    {
        ["ReportMetrics"] = Need.Agent,
        ["ReportMetricsBatch"] = Need.Agent,
        ["GetLatestMetrics"] = Need.Read,
        ["GetMetricsHistory"] = Need.Read,
        ["GetMetricsSeedHistory"] = Need.Read,
        ["ListAgents"] = Need.Read,
        ["GetAgent"] = Need.Read,
        ["DeleteAgent"] = Need.Admin,
        ["ListAlertRules"] = Need.Read,
        ["ExportAlertRules"] = Need.Read,
        ["PreviewAlertRule"] = Need.Read,
        ["GetAlertRule"] = Need.Read,
        ["CreateAlertRule"] = Need.Admin,
        ["ReplaceAlertRule"] = Need.Admin,
        ["DeleteAlertRule"] = Need.Admin,
        ["ListAlerts"] = Need.Read,
        ["GetAlertHistory"] = Need.Read,
        ["AcknowledgeAlert"] = Need.Admin,
        ["ListSilences"] = Need.Read,
        ["CreateSilence"] = Need.Admin,
        ["DeleteSilence"] = Need.Admin,
        ["ListNotifications"] = Need.Read,
        ["LiveSamples"] = Need.Read,
        ["GetStorage"] = Need.Read,
        ["ExportPrometheus"] = Need.Read,
        ["GetAccess"] = Need.Nothing,
        ["ListAuditEntries"] = Need.Admin,
        ["SignIn"] = Need.Nothing,
        ["SignOut"] = Need.Nothing,
        ["CreateEnrollmentToken"] = Need.Admin,
        ["ListEnrollmentTokens"] = Need.Admin,
        ["DeleteEnrollmentToken"] = Need.Admin,
        ["EnrollAgent"] = Need.Nothing,
        ["ListAgentKeys"] = Need.Admin,
        ["RevokeAgentKey"] = Need.Admin,
    };

    private enum Need
    {
        Nothing,
        Agent,
        Read,
        Admin,
    }

    [Fact]
    public async Task Every_operation_answers_each_kind_of_caller_as_its_role_allows()
    {
        var ct = TestContext.Current.CancellationToken;
        var operations = await OperationsAsync();
        Assert.Empty(operations.Select(o => o.Id).Except(Needs.Keys));
        Assert.Empty(Needs.Keys.Except(operations.Select(o => o.Id)));

        // Another agent's key: a real key, bound to an agent that none of the calls below names.
        var agentKey = await EnrollAsync(Samples.NewAgentId("other"));
        var answers = new List<string>();
        foreach (var (id, method, path) in operations)
        {
            foreach (var caller in (string?[])[null, AgentToken, agentKey, ReadToken, AdminToken])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                if (caller is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller);
                }

                using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                var expected = Expected(Needs[id], caller == agentKey ? AgentToken : caller);
                var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                if (expected is { } status ? response.StatusCode != status : refused)
                {
                    answers.Add($"{method} {path} as {(caller == agentKey ? "another agent's key" : Name(caller))}: {(int)response.StatusCode}, expected {(expected is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "not 401/403")}");
                }

                if (expected == HttpStatusCode.Unauthorized)
                {
                    Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                }
            }
        }

        Assert.Empty(answers);
    }

    [Fact]
    public async Task Our_meters_need_a_read_token_and_answer_in_prometheus_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var anonymous = await Http.FetchAsync("/metrics");
        Authorize(AgentToken);
        var agent = await Http.FetchAsync("/metrics");
        Authorize(ReadToken);
        var read = await Http.FetchAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, agent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("text/plain", read.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\n# TYPE http_server_request_duration_seconds histogram\n", await read.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_needs_a_token_and_declares_the_bearer_scheme()
    {
        var anonymous = await Http.FetchAsync("/openapi/v1.json");
        Authorize(ReadToken);
        var document = await (await Http.FetchAsync("/openapi/v1.json")).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var deleteRule = document.GetProperty("paths").GetProperty("/api/v1/alert-rules/{id}").GetProperty("delete");
        Assert.True(deleteRule.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.True(deleteRule.GetProperty("responses").TryGetProperty("403", out _));
    }

    [Fact]
    public async Task A_read_token_changes_no_rule_and_no_silence()
    {
        var ct = TestContext.Current.CancellationToken;
        var ruleId = "access_" + Guid.NewGuid().ToString("N")[..12];
        var rule = $$"""{"id": "{{ruleId}}", "name": "load high", "metric": "load.load1", "comparator": ">", "threshold": 4}""";
        Authorize(AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await Http.PostRawAsync("/api/v1/alert-rules", rule)).StatusCode);
        var before = await (await Http.FetchAsync($"/api/v1/alert-rules/{ruleId}")).Content.ReadAsStringAsync(ct);
        var silencesBefore = await (await Http.FetchAsync("/api/v1/silences")).Content.ReadAsStringAsync(ct);

        Authorize(ReadToken);
        var replace = await Http.PutAsync($"/api/v1/alert-rules/{ruleId}", new StringContent(rule.Replace("4}", "1}", StringComparison.Ordinal), Encoding.UTF8, "application/json"), ct);
        var delete = await Http.DeleteAsync($"/api/v1/alert-rules/{ruleId}", ct);
        var silence = await Http.PostRawAsync("/api/v1/silences", $$"""{"matchers": {"agent_id": "*"}, "ends_at": "{{DateTimeOffset.UtcNow.AddDays(1):O}}"}""");

        await ApiClient.AssertProblemAsync(replace, HttpStatusCode.Forbidden, "role may not do this");
        await ApiClient.AssertProblemAsync(delete, HttpStatusCode.Forbidden, "role may not do this");
        await ApiClient.AssertProblemAsync(silence, HttpStatusCode.Forbidden, "role may not do this");
        Authorize(AdminToken);
        Assert.Equal(before, await (await Http.FetchAsync($"/api/v1/alert-rules/{ruleId}")).Content.ReadAsStringAsync(ct));
        Assert.Equal(silencesBefore, await (await Http.FetchAsync("/api/v1/silences")).Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/alert-rules/{ruleId}", ct)).StatusCode);
    }

    [Fact]
    public async Task A_silence_is_created_by_the_tokens_name_not_by_the_name_in_its_body()
    {
        var ct = TestContext.Current.CancellationToken;
        Authorize(AdminToken);

        var created = await Http.PostRawAsync("/api/v1/silences",
            $$"""{"matchers": {"agent_id": "nobody-{{Guid.NewGuid():N}}"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "created_by": "mallory"}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silence = await created.ReadJsonAsync();
        Assert.Equal("alice", silence.GetProperty("created_by").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/silences/{silence.GetProperty("id").GetString()}", ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_access_token_is_refused_with_401()
    {
        Authorize(ReadToken + "X");

        var response = await Http.FetchAsync("/api/v1/agents");

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "not recognised");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("short-token", "read")]
    [InlineData("read-token-0123456789abcdef", "owner")]
    [InlineData("sha256:abc", "admin")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab", "admin")]
    public void An_access_token_that_is_unsafe_or_has_no_known_role_stops_the_api_at_start(string token, string role)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Topology.StartApi(new Dictionary<string, string>
        {
            ["AccessTokens:0:Token"] = token,
            ["AccessTokens:0:Role"] = role,
        }));

        Assert.Contains("AccessTokens:N:Token", error.Message, StringComparison.Ordinal);
    }

    private static HttpStatusCode? Expected(Need need, string? caller) => need switch
    {
        Need.Nothing => null,
        Need.Agent => caller == AgentToken ? null : HttpStatusCode.Unauthorized,
        Need.Read => caller is ReadToken or AdminToken ? null : HttpStatusCode.Unauthorized,
        _ => caller switch
        {
            AdminToken => null,
            ReadToken => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.Unauthorized,
        },
    };

    private static string Name(string? caller) => caller switch
    {
        null => "anonymous",
        AgentToken => "agent",
        ReadToken => "read",
        _ => "admin",
    };

    /// <summary>Path parameters filled with ids that exist nowhere: an allowed call then answers 4xx and changes nothing.</summary>
    private static string Fill(string path) => path
        .Replace("{agent_id}", "no-such-agent", StringComparison.Ordinal)
        .Replace("{id}", "no_such_id", StringComparison.Ordinal)
        .Replace("{prefix}", "no_such_prefix", StringComparison.Ordinal);

    /// <summary>A key of <paramref name="agentId"/>'s own, from an enrollment token an admin created.</summary>
    private async Task<string> EnrollAsync(string agentId)
    {
        Authorize(AdminToken);
        var created = await (await Http.PostRawAsync("/api/v1/enrollment-tokens", $$"""{"expires_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "max_uses": 1}""")).ReadJsonAsync();
        Http.DefaultRequestHeaders.Authorization = null;
        var enrolled = await Http.PostRawAsync("/api/v1/enroll", $$"""{"enrollment_token": "{{created.GetProperty("token").GetString()}}", "agent_id": "{{agentId}}"}""");
        return (await enrolled.ReadJsonAsync()).GetProperty("key").GetString()!;
    }

    private async Task<List<(string Id, string Method, string Path)>> OperationsAsync()
    {
        Authorize(AdminToken);
        var document = await (await Http.FetchAsync("/openapi/v1.json")).ReadJsonAsync();
        Http.DefaultRequestHeaders.Authorization = null;
        return [.. document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out _))
            .Select(operation => (operation.Value.GetProperty("operationId").GetString()!, operation.Name.ToUpperInvariant(), path.Name)))];
    }

    private void Authorize(string token) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}

[Collection(ClusterCollection.Name)]
public sealed class AccessControlTestsOnCluster(ClusterFixture fixture) : AccessControlTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class AccessControlTestsOnAllInOne(AllInOneFixture fixture) : AccessControlTests(fixture);
