using System.Net;
using System.Net.Http.Json;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Tests.Cluster;
using Monitoring.Tests.Http;

namespace Monitoring.Tests.Alerts;

/// <summary><c>/api/v1/alert-rules</c> over real HTTP: the default rules, CRUD, validation naming the field, export.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AlertRulesApiTests(ClusterFixture fixture)
{
    private const string ValidRule = """
        {"id": "ID", "name": "load high", "metric": "load.load1", "comparator": ">", "threshold": 4, "for": "2m",
         "recovery_threshold": 3, "keep_firing_for": "1m", "severity": "critical",
         "scope": {"match": "web-*"}, "labels": {"team": "ops"}, "summary": "{agent_name} load at {value}"}
        """;

    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Default_rules_are_loaded_at_first_start()
    {
        var rules = await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList);

        Assert.True(rules.Version >= 1);
        var cpu = Assert.Single(rules.Rules, r => r.Id == "cpu_high");
        Assert.Equal(("cpu_percent", ">", 90.0, "5m"), (cpu.Metric, cpu.Comparator, cpu.Threshold!.Value, cpu.For));
        Assert.Equal("10m", Assert.Single(rules.Rules, r => r.Metric == "disk[*].percent").For);
        Assert.Single(rules.Rules, r => r.Metric == "disk.percent");
        Assert.Single(rules.Rules, r => r.Metric == "memory.percent");
        Assert.Single(rules.Rules, r => r.Metric == "agent_down");
    }

    [Fact]
    public async Task A_rule_is_created_read_replaced_and_deleted()
    {
        var id = NewId();

        var created = await _http.PostRawAsync("/api/v1/alert-rules", ValidRule.Replace("ID", id, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/alert-rules/{id}", created.Headers.Location!.OriginalString);
        var rule = await (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).ReadAsync(MonitoringJsonContext.Default.AlertRule);
        Assert.Equal(("load.load1", 3.0, "1m", "web-*", "ops"), (rule.Metric, rule.RecoveryThreshold!.Value, rule.KeepFiringFor, rule.Scope!.Match, rule.Labels!["team"]));

        var replaced = await _http.PutAsJsonAsync($"/api/v1/alert-rules/{id}", rule with { Threshold = 8, RecoveryThreshold = null, Id = null },
            MonitoringJsonContext.Default.AlertRule, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var after = await (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).ReadAsync(MonitoringJsonContext.Default.AlertRule);
        Assert.Equal(8, after.Threshold);
        Assert.Null(after.RecoveryThreshold);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/alert-rules/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"/api/v1/alert-rules/{id}", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Every_change_moves_the_version_on()
    {
        var before = (await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList)).Version;

        await _http.PostRawAsync("/api/v1/alert-rules", ValidRule.Replace("ID", NewId(), StringComparison.Ordinal));

        var after = (await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList)).Version;
        Assert.True(after > before);
    }

    [Fact]
    public async Task A_rule_without_id_gets_a_slug_of_its_name_and_a_taken_id_conflicts()
    {
        var name = $"Swap Full {Guid.NewGuid():N}";
        var body = $$"""{"name": "{{name}}", "metric": "swap.percent", "comparator": ">=", "threshold": 95}""";

        var created = await (await _http.PostRawAsync("/api/v1/alert-rules", body)).ReadAsync(MonitoringJsonContext.Default.AlertRule);
        var again = await _http.PostRawAsync("/api/v1/alert-rules", body);

        Assert.Equal(name.ToLowerInvariant().Replace(' ', '_'), created.Id);
        Assert.Equal(("0s", "warning", true), (created.For, created.Severity, created.Enabled!.Value));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    public static TheoryData<string, string, string, string> Violations => new()
    {
        { "unknown metric", "\"metric\": \"load.load1\"", "\"metric\": \"cpu.temperature\"", "metric" },
        { "unknown glob metric", "\"metric\": \"load.load1\"", "\"metric\": \"disk[*].color\"", "metric" },
        { "missing metric", "\"metric\": \"load.load1\", ", "", "metric" },
        { "bad comparator", "\"comparator\": \">\"", "\"comparator\": \"=>\"", "comparator" },
        { "missing threshold", "\"threshold\": 4, ", "", "threshold" },
        { "negative for", "\"for\": \"2m\"", "\"for\": \"-2m\"", "for" },
        { "unparseable for", "\"for\": \"2m\"", "\"for\": \"two minutes\"", "for" },
        { "negative keep_firing_for", "\"keep_firing_for\": \"1m\"", "\"keep_firing_for\": \"-1s\"", "keep_firing_for" },
        { "recovery on the wrong side", "\"recovery_threshold\": 3", "\"recovery_threshold\": 5", "recovery_threshold" },
        { "unknown severity", "\"severity\": \"critical\"", "\"severity\": \"apocalyptic\"", "severity" },
        { "scope with ids and a glob", "{\"match\": \"web-*\"}", "{\"match\": \"web-*\", \"agent_ids\": [\"a\"]}", "scope" },
        { "scope with an empty id list", "{\"match\": \"web-*\"}", "{\"agent_ids\": []}", "scope.agent_ids" },
        { "scope with a bad agent id", "{\"match\": \"web-*\"}", "{\"agent_ids\": [\"ok\", \"not ok\"]}", "scope.agent_ids[1]" },
        { "scope with an empty glob", "{\"match\": \"web-*\"}", "{\"match\": \"\"}", "scope.match" },
        { "bad label name", "{\"team\": \"ops\"}", "{\"1team\": \"ops\"}", "labels.1team" },
        { "bad id", "\"id\": \"ID\"", "\"id\": \"has space\"", "id" },
        { "missing name", "\"name\": \"load high\", ", "", "name" },
        { "threshold as a string", "\"threshold\": 4", "\"threshold\": \"4\"", "threshold" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Invalid_rule_is_refused_with_a_problem_naming_the_field_and_nothing_changes(
        string rule, string original, string replacement, string field)
    {
        var id = NewId();
        Assert.Contains(original, ValidRule, StringComparison.Ordinal);
        var broken = ValidRule.Replace(original, replacement, StringComparison.Ordinal).Replace("\"ID\"", $"\"{id}\"", StringComparison.Ordinal);
        var before = (await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList)).Version;

        var response = await _http.PostRawAsync("/api/v1/alert-rules", broken);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{rule}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{rule}: {problem}");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).StatusCode);
        var after = (await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList)).Version;
        Assert.True(after >= before);
    }

    [Fact]
    public async Task Replacing_with_an_invalid_rule_or_another_id_changes_nothing()
    {
        var id = NewId();
        await _http.PostRawAsync("/api/v1/alert-rules", ValidRule.Replace("ID", id, StringComparison.Ordinal));

        var badComparator = await _http.PutAsync($"/api/v1/alert-rules/{id}",
            new StringContent(ValidRule.Replace("ID", id, StringComparison.Ordinal).Replace("\">\"", "\"~\"", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var otherId = await _http.PutAsync($"/api/v1/alert-rules/{id}",
            new StringContent(ValidRule.Replace("ID", "someone-else", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, badComparator.StatusCode);
        Assert.True((await badComparator.ReadJsonAsync()).GetProperty("errors").TryGetProperty("comparator", out _));
        Assert.Equal(HttpStatusCode.BadRequest, otherId.StatusCode);
        Assert.True((await otherId.ReadJsonAsync()).GetProperty("errors").TryGetProperty("id", out _));
        Assert.Equal(">", (await (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).ReadAsync(MonitoringJsonContext.Default.AlertRule)).Comparator);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public async Task Export_reads_back_as_the_same_rules(string format)
    {
        var id = NewId();
        await _http.PostRawAsync("/api/v1/alert-rules", ValidRule.Replace("ID", id, StringComparison.Ordinal));
        var rules = await (await _http.FetchAsync("/api/v1/alert-rules")).ReadAsync(MonitoringJsonContext.Default.AlertRuleList);

        var export = await _http.FetchAsync($"/api/v1/alert-rules/export?format={format}");
        var text = await export.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal($"application/{format}", export.Content.Headers.ContentType?.MediaType);
        var parsed = RulesFile.Parse(text, yaml: format == "yaml");
        var mine = Assert.Single(parsed, r => r.Id == id);
        Assert.Equal(Json(Assert.Single(rules.Rules, r => r.Id == id)), Json(mine));
        Assert.True(parsed.Count >= 5);
    }

    [Fact]
    public async Task Export_in_an_unknown_format_is_refused()
    {
        var response = await _http.FetchAsync("/api/v1/alert-rules/export?format=xml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("format", out _));
    }

    private static string NewId() => $"r-{Guid.NewGuid():N}";

    private static string Json(AlertRule rule) => System.Text.Json.JsonSerializer.Serialize(rule, MonitoringJsonContext.Default.AlertRule);
}
