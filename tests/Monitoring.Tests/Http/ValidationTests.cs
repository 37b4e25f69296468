using System.Globalization;
using System.Net;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>Every ingest rule: a 4xx RFC 7807 answer naming the field, and nothing stored.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ValidationTests(ClusterFixture fixture)
{
    private const string Valid =
        "{\"agent_id\": \"AGENT\", \"agent_name\": \"n\", \"timestamp\": \"TIME\", " +
        "\"system\": {\"cpu_percent\": 10, \"memory\": {\"total\": 100, \"used\": 50, \"available\": 50, \"percent\": 50}, " +
        "\"disk\": {\"total\": 100, \"used\": 50, \"free\": 50, \"percent\": 50}}, " +
        "\"network\": [{\"host\": \"h\", \"port\": 1, \"status\": \"up\", \"latency_ms\": 1}]}";

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
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Invalid_sample_is_refused_with_a_problem_naming_the_field_and_nothing_is_stored(
        string rule, string original, string replacement, string field)
    {
        var agentId = Samples.NewAgentId();
        Assert.Contains(original, Valid, StringComparison.Ordinal);
        var body = Valid.Replace(original, replacement, StringComparison.Ordinal)
            .Replace("AGENT", agentId, StringComparison.Ordinal)
            .Replace("FUTURE", DateTimeOffset.UtcNow.AddMinutes(6).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TIME", DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var rowsBefore = fixture.Scalar("SELECT count(*) FROM history");

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{rule}: expected an error on '{field}', got {problem}");
        Assert.Equal(rowsBefore, fixture.Scalar("SELECT count(*) FROM history"));
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
    public async Task Wrong_content_type_is_415_problem()
    {
        var response = await _http.PostRawAsync("/api/v1/metrics", "agent_id=x", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
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
