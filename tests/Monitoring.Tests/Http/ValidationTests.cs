using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>Every ingest rule: a 4xx RFC 7807 answer naming the field, and nothing stored.</summary>
public abstract class ValidationTests(ApiTopology fixture)
{
    private const string Valid =
        "{\"agent_id\": \"AGENT\", \"agent_name\": \"n\", \"timestamp\": \"TIME\", " +
        "\"system\": {\"cpu_percent\": 10, \"memory\": {\"total\": 100, \"used\": 50, \"available\": 50, \"percent\": 50}, " +
        "\"disk\": {\"total\": 100, \"used\": 50, \"free\": 50, \"percent\": 50}}, " +
        "\"network\": [{\"host\": \"h\", \"port\": 1, \"status\": \"up\", \"latency_ms\": 1}]}";

    private const string ValidDetailed =
        "{\"agent_id\": \"AGENT\", \"timestamp\": \"TIME\", " +
        "\"system\": {\"cpu_percent\": 10, \"memory\": {\"percent\": 50}, \"disk\": {\"percent\": 50}, " +
        "\"cpu\": {\"count\": 2, \"per_core\": [5, 15], \"user\": 6, \"system\": 3, \"iowait\": 1, \"steal\": 0}, " +
        "\"load\": {\"load1\": 0.5, \"load5\": 0.4, \"load15\": 0.3}, " +
        "\"swap\": {\"total\": 100, \"used\": 25, \"free\": 75, \"percent\": 25}, " +
        "\"disks\": [{\"mount\": \"/\", \"device\": \"/dev/sda1\", \"fs_type\": \"ext4\", \"total\": 100, \"used\": 40, \"free\": 60, \"percent\": 40, \"inodes_percent\": 3}, " +
        "{\"mount\": \"/home\", \"device\": \"/dev/sda2\", \"fs_type\": \"xfs\", \"total\": 100, \"used\": 90, \"free\": 10, \"percent\": 90, \"inodes_percent\": 1}], " +
        "\"disk_io\": [{\"device\": \"sda\", \"read_bytes_per_sec\": 512, \"write_bytes_per_sec\": 1024}], " +
        "\"interfaces\": [{\"name\": \"eth0\", \"rx_bytes_per_sec\": 10, \"tx_bytes_per_sec\": 20, \"rx_packets_per_sec\": 1, \"tx_packets_per_sec\": 2, " +
        "\"rx_errors_per_sec\": 0, \"tx_errors_per_sec\": 0, \"rx_drops_per_sec\": 0, \"tx_drops_per_sec\": 0.1}], " +
        "\"uptime_seconds\": 3600, \"boot_time\": \"BOOT\", " +
        "\"sensors\": {\"temperatures\": [{\"name\": \"coretemp/Package id 0\", \"celsius\": 54, \"high_celsius\": 80, \"critical_celsius\": 100}, {\"name\": \"acpitz/temp1\", \"celsius\": 27.8}], " +
        "\"fans\": [{\"name\": \"nct6798/fan2\", \"rpm\": 1150}], \"cpu_frequency_mhz\": 1975, \"cpu_throttle_count\": 3, \"package_throttle_count\": 1}, " +
        "\"processes\": {\"total\": 213, \"by_cpu\": [{\"pid\": 1234, \"name\": \"postgres\", \"cpu_percent\": 150, \"rss_bytes\": 251658240}], " +
        "\"by_memory\": [{\"pid\": 1234, \"name\": \"postgres\", \"cpu_percent\": 150, \"rss_bytes\": 251658240}, {\"pid\": 1, \"name\": \"systemd\", \"cpu_percent\": 0.5, \"rss_bytes\": 13271040}]}}, " +
        "\"agent\": {\"version\": \"1.2.0\", \"os\": \"Debian GNU/Linux 13 (X64)\", \"spool_memory_samples\": 2, \"spool_error\": \"No space left on device\"}}";

    private readonly HttpClient _http = fixture.CreateClient();

    /// <summary>Each rule as the edit that breaks a valid body (original text, replacement) and the field the answer must name.</summary>
    public static TheoryData<string, string, string, string> Violations => new()
    {
        { "missing agent_id", "\"agent_id\": \"AGENT\", ", "", "agent_id" },
        { "empty agent_id", "\"agent_id\": \"AGENT\"", "\"agent_id\": \"\"", "agent_id" },
        { "too long agent_id", "\"agent_id\": \"AGENT\"", $"\"agent_id\": \"{new string('a', 65)}\"", "agent_id" },
        { "agent_id with a space", "\"agent_id\": \"AGENT\"", "\"agent_id\": \"web 01\"", "agent_id" },
        { "agent_id with a slash", "\"agent_id\": \"AGENT\"", "\"agent_id\": \"web/01\"", "agent_id" },
        { "agent_id not a string", "\"agent_id\": \"AGENT\"", "\"agent_id\": 42", "agent_id" },
        { "agent_name too long", "\"agent_name\": \"n\"", $"\"agent_name\": \"{new string('n', 257)}\"", "agent_name" },
        { "cpu above 100", "\"cpu_percent\": 10", "\"cpu_percent\": 100.5", "system.cpu_percent" },
        { "cpu below 0", "\"cpu_percent\": 10", "\"cpu_percent\": -0.1", "system.cpu_percent" },
        { "cpu as a string", "\"cpu_percent\": 10", "\"cpu_percent\": \"10\"", "system.cpu_percent" },
        { "cpu NaN as a string", "\"cpu_percent\": 10", "\"cpu_percent\": \"NaN\"", "system.cpu_percent" },
        { "cpu NaN literal", "\"cpu_percent\": 10", "\"cpu_percent\": NaN", "system.cpu_percent" },
        { "cpu Infinity literal", "\"cpu_percent\": 10", "\"cpu_percent\": Infinity", "system.cpu_percent" },
        { "cpu overflowing to infinity", "\"cpu_percent\": 10", "\"cpu_percent\": 1e400", "system.cpu_percent" },
        { "cpu missing", "\"cpu_percent\": 10, ", "", "system.cpu_percent" },
        { "memory percent above 100", "\"available\": 50, \"percent\": 50", "\"available\": 50, \"percent\": 150", "system.memory.percent" },
        { "memory missing", "\"memory\": {\"total\": 100, \"used\": 50, \"available\": 50, \"percent\": 50}, ", "", "system.memory" },
        { "negative memory total", "\"memory\": {\"total\": 100", "\"memory\": {\"total\": -100", "system.memory.total" },
        { "negative disk free", "\"free\": 50", "\"free\": -50", "system.disk.free" },
        { "disk percent missing", "\"free\": 50, \"percent\": 50", "\"free\": 50", "system.disk.percent" },
        { "system missing", "\"system\":", "\"systems\":", "system" },
        { "negative latency", "\"latency_ms\": 1", "\"latency_ms\": -1", "network[0].latency_ms" },
        { "port out of range", "\"port\": 1", "\"port\": 70000", "network[0].port" },
        { "unknown check status", "\"status\": \"up\"", "\"status\": \"sideways\"", "network[0].status" },
        { "unknown check kind", "\"status\": \"up\"", "\"status\": \"up\", \"kind\": \"smoke signal\"", "network[0].kind" },
        { "check without host or url", "\"host\": \"h\", ", "", "network[0]" },
        { "timestamp unparseable", "\"TIME\"", "\"last tuesday\"", "timestamp" },
        { "timestamp missing", "\"timestamp\": \"TIME\", ", "", "timestamp" },
        { "timestamp more than 5 minutes ahead", "\"TIME\"", "\"FUTURE\"", "timestamp" },
        { "interval not positive", "\"agent_name\": \"n\",", "\"agent_name\": \"n\", \"interval_seconds\": 0,", "interval_seconds" },
        { "agent_id with a final newline", "\"agent_id\": \"AGENT\"", "\"agent_id\": \"AGENT\\n\"", "agent_id" },
        { "agent_name with a control character", "\"agent_name\": \"n\"", "\"agent_name\": \"n\\u0007\"", "agent_name" },
        { "agent_name with a bidi override", "\"agent_name\": \"n\"", "\"agent_name\": \"web-\\u202E10\"", "agent_name" },
        { "agent_name with a zero-width space", "\"agent_name\": \"n\"", "\"agent_name\": \"web\\u200B01\"", "agent_name" },
        { "check host with a newline", "\"host\": \"h\"", "\"host\": \"h\\nX-Injected: 1\"", "network[0].host" },
        { "timestamp without a time of day", "\"TIME\"", "\"2026-12-04\"", "timestamp" },
        { "timestamp without an offset", "\"TIME\"", "\"2026-12-04T10:00:00\"", "timestamp" },
        { "timestamp in 1970", "\"TIME\"", "\"1970-01-01T00:00:00Z\"", "timestamp" },
        { "timestamp older than raw history keeps", "\"TIME\"", "\"OLD\"", "timestamp" },
    };

    /// <summary>Each rule of the optional detail, as the edit that breaks <see cref="ValidDetailed"/>.</summary>
    public static TheoryData<string, string, string, string> DetailViolations => new()
    {
        { "cpu count 0", "\"count\": 2", "\"count\": 0", "system.cpu.count" },
        { "per-core percent above 100", "[5, 15]", "[5, 100.1]", "system.cpu.per_core[1]" },
        { "per-core percent negative", "[5, 15]", "[-1, 15]", "system.cpu.per_core[0]" },
        { "too many per-core percents", "[5, 15]", $"[{string.Join(", ", Enumerable.Repeat(1, 4097))}]", "system.cpu.per_core" },
        { "cpu user negative", "\"user\": 6", "\"user\": -6", "system.cpu.user" },
        { "cpu steal above 100", "\"steal\": 0", "\"steal\": 101", "system.cpu.steal" },
        { "iowait overflowing to infinity", "\"iowait\": 1", "\"iowait\": 1e400", "system.cpu.iowait" },
        { "load negative", "\"load5\": 0.4", "\"load5\": -0.4", "system.load.load5" },
        { "swap used negative", "\"used\": 25", "\"used\": -25", "system.swap.used" },
        { "swap percent above 100", "\"free\": 75, \"percent\": 25", "\"free\": 75, \"percent\": 250", "system.swap.percent" },
        { "mount percent above 100", "\"percent\": 90", "\"percent\": 100.5", "system.disks[1].percent" },
        { "mount inodes percent negative", "\"inodes_percent\": 3", "\"inodes_percent\": -3", "system.disks[0].inodes_percent" },
        { "mount total negative", "\"fs_type\": \"xfs\", \"total\": 100", "\"fs_type\": \"xfs\", \"total\": -100", "system.disks[1].total" },
        { "mount without mount point", "\"mount\": \"/home\", ", "", "system.disks[1].mount" },
        { "mount point twice", "\"mount\": \"/home\"", "\"mount\": \"/\"", "system.disks[1].mount" },
        { "mount point too long", "\"mount\": \"/home\"", $"\"mount\": \"/{new string('m', 4096)}\"", "system.disks[1].mount" },
        { "mount device too long", "\"device\": \"/dev/sda2\"", $"\"device\": \"{new string('d', 1025)}\"", "system.disks[1].device" },
        { "mount fs type too long", "\"fs_type\": \"xfs\"", $"\"fs_type\": \"{new string('x', 65)}\"", "system.disks[1].fs_type" },
        { "temperature without a name", "{\"name\": \"acpitz/temp1\", ", "{", "system.sensors.temperatures[1].name" },
        { "temperature name twice", "\"acpitz/temp1\"", "\"coretemp/Package id 0\"", "system.sensors.temperatures[1].name" },
        { "temperature name too long", "\"acpitz/temp1\"", $"\"acpitz/{new string('t', 250)}\"", "system.sensors.temperatures[1].name" },
        { "temperature name with an escape", "\"acpitz/temp1\"", "\"acpitz/\\u001b[2J\"", "system.sensors.temperatures[1].name" },
        { "temperature overflowing to infinity", "\"celsius\": 27.8", "\"celsius\": 1e400", "system.sensors.temperatures[1].celsius" },
        { "critical temperature not a number", "\"critical_celsius\": 100", "\"critical_celsius\": \"hot\"", "system.sensors.temperatures[0].critical_celsius" },
        { "too many temperatures", "\"temperatures\": [", $"\"temperatures\": [{string.Concat(Enumerable.Range(0, 511).Select(i => $"{{\"name\": \"t/{i}\"}}, "))}", "system.sensors.temperatures" },
        { "fan rpm negative", "\"rpm\": 1150", "\"rpm\": -1", "system.sensors.fans[0].rpm" },
        { "fan name with a bidi override", "\"nct6798/fan2\"", "\"nct6798/\\u202Efan2\"", "system.sensors.fans[0].name" },
        { "too many fans", "\"fans\": [", $"\"fans\": [{string.Concat(Enumerable.Range(0, 128).Select(i => $"{{\"name\": \"f/{i}\"}}, "))}", "system.sensors.fans" },
        { "cpu frequency negative", "\"cpu_frequency_mhz\": 1975", "\"cpu_frequency_mhz\": -1", "system.sensors.cpu_frequency_mhz" },
        { "throttle count negative", "\"cpu_throttle_count\": 3", "\"cpu_throttle_count\": -3", "system.sensors.cpu_throttle_count" },
        { "process count negative", "\"total\": 213", "\"total\": -1", "system.processes.total" },
        { "process without a pid", "\"by_cpu\": [{\"pid\": 1234, ", "\"by_cpu\": [{", "system.processes.by_cpu[0].pid" },
        { "process twice in a list", "{\"pid\": 1, ", "{\"pid\": 1234, ", "system.processes.by_memory[1].pid" },
        { "process cpu percent negative", "\"cpu_percent\": 0.5", "\"cpu_percent\": -0.5", "system.processes.by_memory[1].cpu_percent" },
        { "process rss negative", "\"rss_bytes\": 13271040", "\"rss_bytes\": -1", "system.processes.by_memory[1].rss_bytes" },
        { "process name with a terminal escape", "\"name\": \"systemd\"", "\"name\": \"systemd\\u001b]0;x\\u0007\"", "system.processes.by_memory[1].name" },
        { "process name too long", "\"name\": \"systemd\"", $"\"name\": \"{new string('p', 257)}\"", "system.processes.by_memory[1].name" },
        { "too many top processes", "\"by_cpu\": [", $"\"by_cpu\": [{string.Concat(Enumerable.Range(2000, 50).Select(i => $"{{\"pid\": {i}}}, "))}", "system.processes.by_cpu" },
        { "mount that is null", "\"disks\": [", "\"disks\": [null, ", "system.disks[0]" },
        { "too many mounts", "\"disks\": [", $"\"disks\": [{string.Concat(Enumerable.Range(0, 256).Select(i => $"{{\"mount\": \"/m{i}\"}}, "))}", "system.disks" },
        { "disk read rate negative", "\"read_bytes_per_sec\": 512", "\"read_bytes_per_sec\": -512", "system.disk_io[0].read_bytes_per_sec" },
        { "disk device missing", "\"device\": \"sda\", ", "", "system.disk_io[0].device" },
        { "disk device name too long", "\"device\": \"sda\"", $"\"device\": \"{new string('s', 257)}\"", "system.disk_io[0].device" },
        { "interface drops negative", "\"tx_drops_per_sec\": 0.1", "\"tx_drops_per_sec\": -0.1", "system.interfaces[0].tx_drops_per_sec" },
        { "mount point with a bidi isolate", "\"mount\": \"/home\"", "\"mount\": \"/home\\u2066x\"", "system.disks[1].mount" },
        { "fs type with a control character", "\"fs_type\": \"xfs\"", "\"fs_type\": \"x\\u001bfs\"", "system.disks[1].fs_type" },
        { "interface name too long", "\"name\": \"eth0\"", $"\"name\": \"{new string('e', 257)}\"", "system.interfaces[0].name" },
        { "interface twice", "\"interfaces\": [", "\"interfaces\": [{\"name\": \"eth0\"}, ", "system.interfaces[1].name" },
        { "too many interfaces", "\"interfaces\": [", $"\"interfaces\": [{string.Concat(Enumerable.Range(0, 512).Select(i => $"{{\"name\": \"veth{i}\"}}, "))}", "system.interfaces" },
        { "uptime negative", "\"uptime_seconds\": 3600", "\"uptime_seconds\": -1", "system.uptime_seconds" },
        { "boot time in the future", "\"BOOT\"", "\"FUTURE\"", "system.boot_time" },
        { "agent version too long", "\"version\": \"1.2.0\"", $"\"version\": \"{new string('1', 257)}\"", "agent.version" },
        { "agent os with a control character", "\"os\": \"Debian", "\"os\": \"\\u001bDebian", "agent.os" },
        { "spool error too long", "\"spool_error\": \"No space", $"\"spool_error\": \"{new string('e', 1025)}No space", "agent.spool_error" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public Task Invalid_sample_is_refused_with_a_problem_naming_the_field_and_nothing_is_stored(
        string rule, string original, string replacement, string field) =>
        AssertRefused(Valid, rule, original, replacement, field);

    [Theory]
    [MemberData(nameof(DetailViolations))]
    public Task Invalid_detail_is_refused_with_a_problem_naming_the_field_and_nothing_is_stored(
        string rule, string original, string replacement, string field) =>
        AssertRefused(ValidDetailed, rule, original, replacement, field);

    private async Task AssertRefused(string valid, string rule, string original, string replacement, string field)
    {
        var agentId = Samples.NewAgentId();
        Assert.Contains(original, valid, StringComparison.Ordinal);
        var body = valid.Replace(original, replacement, StringComparison.Ordinal)
            .Replace("AGENT", agentId, StringComparison.Ordinal)
            .Replace("BOOT", DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("FUTURE", DateTimeOffset.UtcNow.AddMinutes(6).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("OLD", DateTimeOffset.UtcNow.AddDays(-31).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TIME", DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var rowsBefore = fixture.StoredSamples();

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{rule}: expected an error on '{field}', got {problem}");
        Assert.Equal(rowsBefore, fixture.StoredSamples());
        Assert.Equal(0, fixture.AgentRows(agentId));
    }

    [Fact]
    public async Task The_valid_body_these_tests_break_is_accepted()
    {
        var body = Valid.Replace("AGENT", Samples.NewAgentId(), StringComparison.Ordinal)
            .Replace("TIME", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_valid_detailed_body_these_tests_break_is_accepted()
    {
        var body = ValidDetailed.Replace("AGENT", Samples.NewAgentId(), StringComparison.Ordinal)
            .Replace("BOOT", DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TIME", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Detailed_sample_is_accepted_and_latest_answers_it_unchanged()
    {
        var agentId = Samples.NewAgentId();
        var sample = Samples.Detailed(agentId, Samples.RecentTime());

        var response = await _http.PostSampleAsync(sample);
        var latest = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest")).ReadAsync(MonitoringJsonContext.Default.LatestMetrics);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sample.Timestamp, latest.Timestamp);
        Assert.Equal(Json(sample.System!, MonitoringJsonContext.Default.SystemMetrics), Json(latest.System, MonitoringJsonContext.Default.SystemMetrics));
        Assert.Equal(Json(sample.Network!, MonitoringJsonContext.Default.IReadOnlyListNetworkCheck), Json(latest.Network, MonitoringJsonContext.Default.IReadOnlyListNetworkCheck));
        Assert.Equal(Json(sample.Agent!, MonitoringJsonContext.Default.AgentHealth), Json(latest.Agent!, MonitoringJsonContext.Default.AgentHealth));

        static string Json<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem()
    {
        var response = await _http.PostRawAsync("/api/v1/metrics", "agent_id=x", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_batch_of_a_thousand_wrong_samples_is_answered_with_at_most_a_hundred_errors()
    {
        var agentId = Samples.NewAgentId();
        var now = DateTimeOffset.UtcNow;
        // Every sample breaks 100 per-core values: 100 000 errors in a body of under 1 MiB.
        var perCore = string.Join(",", Enumerable.Repeat("-1", 100));
        var samples = Enumerable.Range(0, 1000).Select(i => Valid
            .Replace("AGENT", agentId, StringComparison.Ordinal)
            .Replace("TIME", now.AddSeconds(-i - 1).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("\"cpu_percent\": 10,", $"\"cpu_percent\": 10, \"cpu\": {{\"per_core\": [{perCore}]}},", StringComparison.Ordinal));
        var body = $"[{string.Join(",", samples)}]";
        Assert.InRange(body.Length, 500_000, 1024 * 1024);

        var response = await _http.PostRawAsync("/api/v1/metrics/batch", body);
        var answer = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.InRange(answer.Length, 1, 20_000);
        var errors = JsonDocument.Parse(answer).RootElement.GetProperty("errors");
        Assert.Equal(101, errors.EnumerateObject().Count());
        Assert.True(errors.TryGetProperty("errors_omitted", out _));
        Assert.True(errors.TryGetProperty("[0].system.cpu.per_core[0]", out _));
        Assert.Equal(0, fixture.AgentRows(agentId));
    }

    [Fact]
    public async Task A_batch_of_more_than_a_thousand_samples_is_refused_by_its_count_before_it_is_parsed()
    {
        // Each element would fail to parse (agent_id is not a string): the answer shows the count was checked first.
        var body = $"[{string.Join(",", Enumerable.Repeat("{\"agent_id\": 5}", 1001))}]";

        var response = await _http.PostRawAsync("/api/v1/metrics/batch", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal("A batch holds 1 to 1000 samples.", Assert.Single(errors.GetProperty("body").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_batch_not_sent_as_JSON_is_415_problem()
    {
        var plain = await _http.PostRawAsync("/api/v1/metrics/batch", "[]", "text/plain");

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "application/problem+json"), (plain.StatusCode, plain.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413_problem_and_nothing_is_stored()
    {
        var agentId = Samples.NewAgentId();
        var body = Valid.Replace("AGENT", agentId, StringComparison.Ordinal)
            .Replace("TIME", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("\"n\"", $"\"{new string('n', 1024 * 1024)}\"", StringComparison.Ordinal);

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, fixture.AgentRows(agentId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"agent_id\":")]
    public async Task Body_that_is_not_a_sample_object_is_400_problem(string body)
    {
        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Random_corruptions_of_a_valid_body_never_answer_5xx()
    {
        var random = new Random(20261125);
        var valid = Valid.Replace("TIME", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        const string Noise = "{}[]\",:-0123456789.eE+nulltruefalseNaN \\\u00e9\u0000";
        for (var i = 0; i < 300; i++)
        {
            var chars = valid.Replace("AGENT", $"fuzz-{i}", StringComparison.Ordinal).ToCharArray();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
            }

            var response = await _http.PostRawAsync("/api/v1/metrics", new string(chars, 0, random.Next(chars.Length / 2, chars.Length + 1)));

            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for: {new string(chars)}");
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class ValidationTestsOnCluster(ClusterFixture fixture) : ValidationTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class ValidationTestsOnAllInOne(AllInOneFixture fixture) : ValidationTests(fixture);
