using System.Net;
using System.Net.Http.Json;
using Monitoring.Abstractions;
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
        Assert.Equal("10m", Assert.Single(rules.Rules, r => r.Id == "mount_disk_high").For);
        var fills = Assert.Single(rules.Rules, r => r.Id == "mount_fills");
        Assert.Equal(("disk[*].percent", ">=", 100.0, "1d", "6h", "warning"), (fills.Metric, fills.Comparator, fills.Threshold!.Value, fills.Forecast, fills.Window, fills.Severity));
        Assert.Single(rules.Rules, r => r.Metric == "disk.percent");
        Assert.Single(rules.Rules, r => r.Metric == "memory.percent");
        Assert.Single(rules.Rules, r => r.Metric == "agent_down");
        var disk = Assert.Single(rules.Rules, r => r.Id == "disk_failing");
        Assert.Equal(("smart[*].healthy", "<", 1.0, "0s", "critical"), (disk.Metric, disk.Comparator, disk.Threshold!.Value, disk.For, disk.Severity));
        var raid = Assert.Single(rules.Rules, r => r.Id == "raid_degraded");
        Assert.Equal(("raid[*].degraded", ">=", 1.0, "critical"), (raid.Metric, raid.Comparator, raid.Threshold!.Value, raid.Severity));
        var service = Assert.Single(rules.Rules, r => r.Id == "service_failed");
        Assert.Equal(("service[*].failed", ">=", 1.0, "warning"), (service.Metric, service.Comparator, service.Threshold!.Value, service.Severity));
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
        { "for far below zero", "\"for\": \"2m\"", "\"for\": \"-9223372036854775809\"", "for" },
        { "for beyond a year", "\"for\": \"2m\"", "\"for\": \"366d\"", "for" },
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
        { "name with a newline", "\"name\": \"load high\"", "\"name\": \"load high\\nfake line\"", "name" },
        { "label value with a bidi override", "{\"team\": \"ops\"}", "{\"team\": \"o\\u202Eps\"}", "labels.team" },
        { "negative forecast", "\"for\": \"2m\"", "\"for\": \"2m\", \"forecast\": \"-24h\"", "forecast" },
        { "zero forecast", "\"for\": \"2m\"", "\"for\": \"2m\", \"forecast\": \"0\"", "forecast" },
        { "forecast beyond 30 days", "\"for\": \"2m\"", "\"for\": \"2m\", \"forecast\": \"31d\"", "forecast" },
        { "zero window", "\"for\": \"2m\"", "\"for\": \"2m\", \"forecast\": \"24h\", \"window\": \"0s\"", "window" },
        { "window beyond 7 days", "\"for\": \"2m\"", "\"for\": \"2m\", \"forecast\": \"24h\", \"window\": \"8d\"", "window" },
        { "window without forecast", "\"for\": \"2m\"", "\"for\": \"2m\", \"window\": \"6h\"", "window" },
        { "id with a final newline", "\"id\": \"ID\"", "\"id\": \"ID\\n\"", "id" },
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

    [Fact]
    public async Task Preview_replays_an_unsaved_rule_over_a_known_history()
    {
        var agent = Samples.NewAgentId();
        var start = Samples.RecentTime(3600);
        double[] cpu = [50, 95, 95, 95, 50, 95, 50];
        await fixture.Grains.GetAgentGrain(agent).ReportBatch([.. cpu.Select((value, minute) => Samples.Sample(agent, start.AddMinutes(minute), cpu: value))]);
        var request = new AlertRulePreviewRequest
        {
            Rule = new AlertRule { Name = "cpu", Metric = "cpu_percent", Comparator = ">", Threshold = 90, For = "2m" },
            AgentId = agent,
            From = start.AddSeconds(-1),
            To = start.AddMinutes(10),
        };

        var response = await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", request, MonitoringJsonContext.Default.AlertRulePreviewRequest, TestContext.Current.CancellationToken);
        var preview = await response.ReadAsync(MonitoringJsonContext.Default.AlertRulePreview);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1, 7, 2, false), (preview.Agents, preview.Samples, preview.Notifications, preview.Truncated));
        Assert.Equal(
            [("inactive", "pending", 1), ("pending", "firing", 3), ("firing", "resolved", 4), ("resolved", "pending", 5), ("pending", "inactive", 6)],
            preview.Transitions.Select(t => (t.From, t.To, (int)(t.At - start).TotalMinutes)));
    }

    [Fact]
    public async Task Preview_replays_a_forecast_rule_and_fires_once_the_line_spans_a_quarter_of_its_window()
    {
        var agent = Samples.NewAgentId();
        var start = Samples.RecentTime(7200);
        MetricsReport Rising(int step)
        {
            var sample = Samples.Sample(agent, start.AddMinutes(5 * step));
            return sample with { IntervalSeconds = 300, System = sample.System! with { Disk = sample.System.Disk! with { Percent = 50 + step } } };
        }

        await fixture.Grains.GetAgentGrain(agent).ReportBatch([.. Enumerable.Range(0, 13).Select(Rising)]);
        var request = new AlertRulePreviewRequest
        {
            Rule = new AlertRule { Name = "root fills", Metric = "disk.percent", Comparator = ">=", Threshold = 100, For = "0", Forecast = "24h", Window = "2h" },
            AgentId = agent,
            From = start.AddSeconds(-1),
            To = start.AddMinutes(61),
        };

        var preview = await (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", request, MonitoringJsonContext.Default.AlertRulePreviewRequest,
            TestContext.Current.CancellationToken)).ReadAsync(MonitoringJsonContext.Default.AlertRulePreview);

        var fired = Assert.Single(preview.Transitions);
        Assert.Equal(("inactive", "firing", 30), (fired.From, fired.To, (int)(fired.At - start).TotalMinutes));
        Assert.Equal(start.AddMinutes(250), fired.PredictedAt!.Value, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Preview_of_a_saved_rule_counts_a_silent_gap_as_the_agent_down()
    {
        var agent = Samples.NewAgentId();
        var start = Samples.RecentTime(7200);
        await fixture.Grains.GetAgentGrain(agent).ReportBatch([Samples.Sample(agent, start), Samples.Sample(agent, start.AddMinutes(10))]);
        var request = new AlertRulePreviewRequest { RuleId = "agent_down", AgentId = agent, From = start.AddSeconds(-1), To = start.AddMinutes(11) };

        var preview = await (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", request, MonitoringJsonContext.Default.AlertRulePreviewRequest,
            TestContext.Current.CancellationToken)).ReadAsync(MonitoringJsonContext.Default.AlertRulePreview);

        Assert.Equal([("inactive", "firing", 3), ("firing", "resolved", 10)], preview.Transitions.Select(t => (t.From, t.To, (int)(t.At - start).TotalMinutes)));
        Assert.Equal(2, preview.Notifications);
    }

    [Fact]
    public async Task Preview_needs_exactly_one_rule_and_a_valid_range()
    {
        var both = new AlertRulePreviewRequest { RuleId = "cpu_high", Rule = new AlertRule { Name = "x" } };
        var backwards = new AlertRulePreviewRequest { RuleId = "cpu_high", From = DateTimeOffset.UtcNow, To = DateTimeOffset.UtcNow.AddHours(-1) };
        var invalidRule = new AlertRulePreviewRequest { Rule = new AlertRule { Name = "x", Metric = "nope", Comparator = ">", Threshold = 1 } };
        var ct = TestContext.Current.CancellationToken;

        var responses = new[]
        {
            (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", both, MonitoringJsonContext.Default.AlertRulePreviewRequest, ct), "rule"),
            (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", backwards, MonitoringJsonContext.Default.AlertRulePreviewRequest, ct), "from"),
            (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview", invalidRule, MonitoringJsonContext.Default.AlertRulePreviewRequest, ct), "rule.metric"),
        };

        foreach (var (response, field) in responses)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsJsonAsync("/api/v1/alert-rules/preview",
            new AlertRulePreviewRequest { RuleId = "no-such-rule" }, MonitoringJsonContext.Default.AlertRulePreviewRequest, ct)).StatusCode);
    }

    private static string NewId() => $"r-{Guid.NewGuid():N}";

    private static string Json(AlertRule rule) => System.Text.Json.JsonSerializer.Serialize(rule, MonitoringJsonContext.Default.AlertRule);
}
