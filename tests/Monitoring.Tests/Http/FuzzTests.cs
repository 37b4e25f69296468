using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// Property-based fuzzing of every operation of the OpenAPI document, on a cluster of its own (what the fuzzing creates
/// stays there): hostile path values, query values and bodies (valid bodies with fields removed or replaced, and bodies
/// that are no JSON at all). Whatever comes in, the answer is never a 5xx, a 4xx is a small ProblemDetails, and a 4xx
/// changes nothing that is stored.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class FuzzTests(ClusterFixture cluster) : OwnApiTests(cluster, new Dictionary<string, string>())
{
    private const int CasesPerOperation = 200;

    /// <summary>A 4xx answer beyond this is an amplification: a bad request must not buy a large answer.</summary>
    private const int MaxProblemBytes = 64 * 1024;

    private static readonly string ValidRule =
        """{"id": "fuzz_rule", "name": "fuzz rule", "metric": "cpu_percent", "comparator": ">", "threshold": 90, "for": "5m", "severity": "warning"}""";

    /// <summary>A valid body of each operation that takes one; an operation with a body and no entry here fails the test.</summary>
    private static readonly Dictionary<string, Func<string>> Bodies = new()
    {
        ["ReportMetrics"] = () => Sample(),
        ["ReportMetricsBatch"] = () => $"[{Sample()}, {Sample()}]",
        ["PreviewAlertRule"] = () => ValidRule,
        ["CreateAlertRule"] = () => ValidRule,
        ["ReplaceAlertRule"] = () => ValidRule,
        ["AcknowledgeAlert"] = () => """{"comment": "looking into it"}""",
        ["SignIn"] = () => """{"token": "read-token-0123456789abcdef"}""",
        ["CreateEnrollmentToken"] = () => $$"""{"expires_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "max_uses": 3}""",
        ["EnrollAgent"] = () => """{"enrollment_token": "menr_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "agent_id": "fuzz-agent"}""",
        ["CreateSilence"] = () => $$"""{"matchers": {"agent_id": "web-*"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "comment": "maintenance"}""",
    };

    private static readonly string[] HostileTexts =
    [
        "", " ", "web-nl\n", "a\u0000b", "\u202eevil", "\u200b", "../../etc/passwd", "%00", "%2F", "*", "?", "#", "'; DROP TABLE agents; --",
        "<script>alert(1)</script>", "日本語", "😀", new string('a', 129), new string('a', 5000), "-1", "0", "1e308", "NaN", "null",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "1970-01-01T00:00:00Z", "2026-01-01", "P1D", "1h", "-5m", "999999999d",
        "2147483648", "-9223372036854775809", "true", "{}", "[]", "cpu_high",
    ];

    private static readonly Gen<string> HostileText = Gen.Frequency(
        (6, Gen.Elements(HostileTexts)),
        (2, ArbMap.Default.GeneratorFor<string>().Select(text => text ?? "")),
        (1, Gen.Choose(-1_000_000, 1_000_000).Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly Gen<JsonNode?> HostileValue = Gen.OneOf(
        HostileText.Select(text => (JsonNode?)JsonValue.Create(text)),
        Gen.Elements<Func<JsonNode?>>(
            () => null,
            () => JsonValue.Create(-1),
            () => JsonValue.Create(0),
            () => JsonValue.Create(1e308),
            () => JsonValue.Create(-1e308),
            () => JsonValue.Create(long.MaxValue),
            () => JsonValue.Create(long.MinValue),
            () => JsonValue.Create(0.000001),
            () => JsonValue.Create(true),
            () => new JsonArray(),
            () => new JsonObject(),
            () => new JsonArray(Enumerable.Range(0, 5000).Select(_ => (JsonNode?)JsonValue.Create("x")).ToArray()),
            () => new JsonObject(Enumerable.Range(0, 500).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)JsonValue.Create(i))))).Select(make => make()));

    private static readonly Gen<string> Garbage = Gen.Elements(
        "", "{", "}", "null", "[]", "[null]", "\"text\"", "42", "{\"a\":", "\u0000\u0001\u0002",
        string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)),
        "[" + string.Join(",", Enumerable.Repeat("{}", 20_000)) + "]",
        "{\"" + new string('k', 300_000) + "\": 1}");

    [Fact]
    public void No_input_gets_a_5xx_a_large_answer_or_a_change_on_a_4xx()
    {
        var operations = Operations();
        Assert.NotEmpty(operations);
        var withBodies = operations.Where(o => o.HasBody).Select(o => o.Id).ToList();
        Assert.Empty(withBodies.Except(Bodies.Keys));
        Assert.Empty(Bodies.Keys.Except(withBodies));

        var findings = new List<string>();
        foreach (var operation in operations)
        {
            Prop.ForAll(Requests(operation).ToArbitrary(), request =>
            {
                if (Check(operation, request).GetAwaiter().GetResult() is { } finding)
                {
                    findings.Add($"{operation.Method} {request}: {finding}");
                }
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(CasesPerOperation).WithQuietOnSuccess(true));
        }

        Assert.True(findings.Count == 0, $"{findings.Count} findings, the first ones:\n{string.Join('\n', findings.Distinct().Take(30))}");
    }

    private async Task<string?> Check(Operation operation, FuzzRequest fuzz)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = operation.Method == "GET" ? null : await SnapshotAsync();
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), fuzz.Path + fuzz.Query);
        if (fuzz.Body is not null)
        {
            request.Content = new StringContent(fuzz.Body, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return $"{status}: {await response.Content.ReadAsStringAsync(ct)}";
        }

        // A 2xx is not read: the live feed answers 200 and stays open.
        if (status < 400)
        {
            return null;
        }

        // An empty 404 is routing's (no endpoint has that shape); an empty 400 or 414 is Kestrel's, refusing the request
        // line before any endpoint sees it (a NUL in the path, a line over 8 KB). Every other 4xx is the API's own, and a ProblemDetails.
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        if (answer.Length > 0 || response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong))
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return $"{status} answered as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not a ProblemDetails";
            }

            if (answer.Length > MaxProblemBytes)
            {
                return $"{status} answered with {answer.Length} bytes";
            }
        }

        return before is not null && await SnapshotAsync() != before ? $"{status}, yet something stored changed" : null;
    }

    /// <summary>What a refused request must leave as it was: samples, agents, rules, silences, the audit log, enrollment tokens and agent keys.</summary>
    private async Task<string> SnapshotAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var rules = await (await Http.FetchAsync("/api/v1/alert-rules")).Content.ReadAsStringAsync(ct);
        var silences = await (await Http.FetchAsync("/api/v1/silences")).Content.ReadAsStringAsync(ct);
        var enrollmentTokens = await (await Http.FetchAsync("/api/v1/enrollment-tokens")).Content.ReadAsStringAsync(ct);
        var agentKeys = await (await Http.FetchAsync("/api/v1/agent-keys")).Content.ReadAsStringAsync(ct);
        return $"{cluster.StoredSamples()}|{cluster.Scalar("SELECT count(*) FROM agents")}|{rules}|{silences}|{cluster.Scalar("SELECT count(*) FROM audit_log")}|{enrollmentTokens}|{agentKeys}";
    }

    private static Gen<FuzzRequest> Requests(Operation operation) =>
        from path in PathOf(operation.Path)
        from query in QueryOf(operation.QueryParameters)
        from body in operation.HasBody ? BodyOf(Bodies[operation.Id]).Select(b => (string?)b) : Gen.Constant((string?)null)
        select new FuzzRequest(path, query, body);

    /// <summary>Each path parameter a hostile text (escaped, as any client would send it), or a plausible one.</summary>
    private static Gen<string> PathOf(string template)
    {
        var segments = template.Split('/');
        return segments.Aggregate(Gen.Constant(""), (gen, segment) =>
            from prefix in gen
            from value in segment.StartsWith('{')
                ? Gen.Frequency((4, HostileText), (1, Gen.Elements("fuzz-agent", "cpu_high", "no_such_id")))
                    .Select(Uri.EscapeDataString)
                : Gen.Constant(segment)
            select prefix.Length == 0 && value.Length == 0 ? "" : $"{prefix}/{value}")
            .Select(path => path.Replace("//", "/", StringComparison.Ordinal) is var p && p.Length > 0 ? p : "/");
    }

    /// <summary>Some of the declared query parameters with hostile values, sometimes an undeclared one.</summary>
    private static Gen<string> QueryOf(IReadOnlyList<string> names) =>
        from chosen in Gen.SubListOf(names.Append("unknown_parameter"))
        from values in Gen.ListOf(HostileText, chosen.Count)
        select chosen.Count == 0 ? "" : "?" + string.Join("&", chosen.Zip(values, (name, value) => $"{name}={Uri.EscapeDataString(value)}"));

    /// <summary>A valid body with one to three fields removed or replaced by hostile values, or no JSON at all.</summary>
    private static Gen<string> BodyOf(Func<string> valid) => Gen.Frequency(
        (1, Garbage),
        (1, Gen.Constant(0).Select(_ => valid())),
        (6, from count in Gen.Choose(1, 3)
            from edits in Gen.ListOf(from at in Gen.Choose(0, int.MaxValue) from remove in Gen.Elements(true, false) from value in HostileValue select (At: at, Remove: remove, Value: value), count)
            select Mutate(valid(), edits)));

    private static string Mutate(string valid, IEnumerable<(int At, bool Remove, JsonNode? Value)> edits)
    {
        var root = JsonNode.Parse(valid)!;
        foreach (var (at, remove, value) in edits)
        {
            var fields = Fields(root).ToList();
            if (fields.Count == 0)
            {
                break;
            }

            var (parent, key, index) = fields[at % fields.Count];
            switch (parent)
            {
                case JsonObject obj when remove:
                    obj.Remove(key!);
                    break;
                case JsonObject obj:
                    obj[key!] = value?.DeepClone();
                    break;
                case JsonArray array:
                    array[index] = value?.DeepClone();
                    break;
            }
        }

        return root.ToJsonString();
    }

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Fields(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    yield return (obj, key, -1);
                    if (child is not null)
                    {
                        foreach (var field in Fields(child))
                        {
                            yield return field;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    yield return (array, null, i);
                    if (array[i] is { } child)
                    {
                        foreach (var field in Fields(child))
                        {
                            yield return field;
                        }
                    }
                }

                break;
        }
    }

    private static string Sample() => JsonSerializer.Serialize(Samples.Detailed("fuzz-agent", Samples.RecentTime()), MonitoringJsonContext.Default.MetricsReport);

    private List<Operation> Operations()
    {
        var document = Http.FetchAsync("/openapi/v1.json").GetAwaiter().GetResult().ReadJsonAsync().GetAwaiter().GetResult();
        return [.. document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out _))
            .Select(operation => new Operation(
                operation.Value.GetProperty("operationId").GetString()!,
                operation.Name.ToUpperInvariant(),
                path.Name,
                operation.Value.TryGetProperty("parameters", out var parameters)
                    ? [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)]
                    : [],
                operation.Value.TryGetProperty("requestBody", out _))))];
    }

    private sealed record Operation(string Id, string Method, string Path, IReadOnlyList<string> QueryParameters, bool HasBody);

    private sealed record FuzzRequest(string Path, string Query, string? Body)
    {
        public override string ToString() => $"{Brief(Path + Query)} {Brief(Body ?? "")}";

        private static string Brief(string text) => text.Length > 200 ? $"{text[..200]}… ({text.Length} characters)" : text;
    }
}

/// <summary>The fuzzing's own cluster: what it creates never reaches the other tests' silos.</summary>
[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "fuzz";
}
