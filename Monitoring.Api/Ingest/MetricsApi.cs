using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Api.Limits;
using Monitoring.Api.Live;
using Monitoring.Contracts;

namespace Monitoring.Api.Ingest;

/// <summary>Ingest and per-agent metric queries under <c>/api/v1/metrics</c>, in the seed's wire format.</summary>
public static class MetricsApi
{
    public const int MaxBatchSamples = 1000;
    public const int MaxHistoryPoints = 10_000;
    public const int SeedHistoryPoints = 1000;
    public const int MaxSeriesGlobs = 64;
    public static readonly TimeSpan MaxHistoryRange = TimeSpan.FromDays(400);

    private static readonly Meter Meter = new("Monitoring");
    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("monitoring.ingest.accepted", "{sample}", "Samples acknowledged as durable.");
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("monitoring.ingest.rejected", "{request}", "Ingest requests refused for invalid content.");

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/metrics").WithTags("Metrics").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var report = api.MapPost("", Report).WithName("ReportMetrics").WithSummary("Accept one sample; 200 once it is durable.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        var reportBatch = api.MapPost("batch", ReportBatch).WithName("ReportMetricsBatch").WithSummary("Accept up to 1000 samples, all or none; 200 once all are durable.")
            .Accepts<MetricsReport[]>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // Even while ingest is open the policy runs: an agent key, when one is presented, must be known and reports only for its agent.
        foreach (var endpoint in (RouteHandlerBuilder[])[report, reportBatch])
        {
            endpoint.RequireAuthorization(AgentAuthentication.Policy)
                .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        }

        var queries = api.MapGroup("").RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        queries.MapGet("{agent_id}/latest", GetLatest).WithName("GetLatestMetrics").WithSummary("The agent's newest sample.").ProducesProblem(StatusCodes.Status404NotFound);
        queries.MapGet("{agent_id}/history", GetHistory).WithName("GetMetricsHistory").WithSummary("Raw samples, or per-step buckets with avg/min/max; `series` selects series by glob.").ProducesProblem(StatusCodes.Status404NotFound);
        queries.MapGet("{agent_id}", GetSeedHistory).WithName("GetMetricsSeedHistory").WithSummary("The seed's history shape over the last `hours` (default 24), oldest first.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<IngestAccepted>, ValidationProblem, ProblemHttpResult>> Report(
        MetricsReport sample, HttpContext context, IOptions<AgentAuthOptions> auth, IGrainFactory grains, LiveFeed live, RawRetention retention, IngestLimiter limiter, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        SampleValidator.Validate(sample, now, await retention.OldestAcceptedAsync(now), string.Empty, errors);
        if (errors.Count > 0)
        {
            Rejected.Add(1);
            return TypedResults.ValidationProblem(errors, title: "The sample is invalid; nothing was stored.");
        }

        if (!context.User.MayReportFor(sample.AgentId!, auth.Value.CredentialRequired))
        {
            return NotAllowedFor(sample.AgentId!);
        }

        if (!limiter.TryAcquire(sample.AgentId!, 1, out var retryAfter))
        {
            return RateLimits.TooManySamples(context, sample.AgentId!, retryAfter);
        }

        try
        {
            await grains.GetAgentGrain(sample.AgentId!).Report(sample);
        }
        catch (AgentQuotaExceededException refusal)
        {
            return RateLimits.AgentQuotaFull(context, refusal);
        }

        Accepted.Add(1);
        live.Publish(sample);
        return TypedResults.Ok(new IngestAccepted("success", "Metrics received", time.GetUtcNow()));
    }

    public static async Task<Results<Ok<IngestAccepted>, ValidationProblem, ProblemHttpResult>> ReportBatch(
        SampleBatch batch, HttpContext context, IOptions<AgentAuthOptions> auth, IGrainFactory grains, LiveFeed live, RawRetention retention, IngestLimiter limiter, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        // A batch over the limit was not parsed and carries no samples: the same answer as an empty one.
        var samples = batch.Samples ?? [];
        if (samples.Length == 0)
        {
            errors["body"] = [$"A batch holds 1 to {MaxBatchSamples} samples."];
        }
        else
        {
            var oldest = await retention.OldestAcceptedAsync(now);
            for (var i = 0; i < samples.Length; i++)
            {
                if (samples[i] is null)
                {
                    SampleValidator.AddCapped(errors, $"[{i}]", "A sample must be an object.");
                    continue;
                }

                SampleValidator.Validate(samples[i], now, oldest, $"[{i}].", errors);
            }
        }

        if (errors.Count > 0)
        {
            Rejected.Add(1);
            return TypedResults.ValidationProblem(errors, title: "The batch is invalid; nothing was stored.");
        }

        if (samples.FirstOrDefault(s => !context.User.MayReportFor(s.AgentId!, auth.Value.CredentialRequired)) is { } foreign)
        {
            return NotAllowedFor(foreign.AgentId!);
        }

        var agents = samples.GroupBy(s => s.AgentId!, StringComparer.Ordinal).ToArray();
        foreach (var agent in agents)
        {
            // Permits already taken for other agents of the batch are not given back: a sender over its rate waits either way.
            if (!limiter.TryAcquire(agent.Key, agent.Count(), out var retryAfter))
            {
                return RateLimits.TooManySamples(context, agent.Key, retryAfter);
            }
        }

        try
        {
            await Task.WhenAll(agents.Select(agent => grains.GetAgentGrain(agent.Key).ReportBatch(agent.ToArray())));
        }
        catch (AgentQuotaExceededException refusal)
        {
            // The batch's other agents may be stored; the sender's retry stores them once (ingest is idempotent).
            return RateLimits.AgentQuotaFull(context, refusal);
        }

        Accepted.Add(samples.Length);
        // A backfill is history, not news: the live feed shows only each agent's newest sample of the batch.
        foreach (var agent in agents)
        {
            live.Publish(agent.MaxBy(s => s.Timestamp!.Value)!);
        }

        return TypedResults.Ok(new IngestAccepted("success", "Metrics received", time.GetUtcNow()) { Accepted = samples.Length });
    }

    public static async Task<Results<Ok<LatestMetrics>, ProblemHttpResult, ValidationProblem>> GetLatest(
        [FromRoute(Name = "agent_id")] string agentId, IGrainFactory grains)
    {
        if (!SampleValidator.IsValidAgentId(agentId))
        {
            return InvalidAgentId();
        }

        return await grains.GetAgentGrain(agentId).GetLatest() is { } latest
            ? TypedResults.Ok(latest)
            : UnknownAgent(agentId);
    }

    public static async Task<Results<JsonBytes<HistoryResponse>, ProblemHttpResult, ValidationProblem>> GetHistory(
        [FromRoute(Name = "agent_id")] string agentId,
        [FromQuery] string? from,
        [FromQuery] string? to,
        [FromQuery] string? step,
        [FromQuery(Name = "max_points")] string? maxPoints,
        [FromQuery] string? series,
        IGrainFactory grains,
        TimeProvider time)
    {
        if (!SampleValidator.IsValidAgentId(agentId))
        {
            return InvalidAgentId();
        }

        var errors = new Dictionary<string, string[]>();
        var end = TimeParameter.Parse(to, "to", errors) ?? time.GetUtcNow();
        var start = TimeParameter.Parse(from, "from", errors) ?? end - TimeSpan.FromHours(1);
        var stepSeconds = ParseStep(step, errors);
        var globs = ParseSeries(series, errors);
        var aligned = false;
        int? points = null;
        if (maxPoints is not null)
        {
            if (int.TryParse(maxPoints, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= MaxHistoryPoints)
            {
                points = parsed;
            }
            else
            {
                errors["max_points"] = [$"max_points must be a whole number from 1 to {MaxHistoryPoints}."];
            }
        }

        if (errors.Count == 0)
        {
            var range = end - start;
            if (range <= TimeSpan.Zero)
            {
                errors["from"] = ["from must be earlier than to."];
            }
            else if (range > MaxHistoryRange)
            {
                errors["from"] = [$"The range may span at most {MaxHistoryRange.TotalDays} days."];
            }
            else if (stepSeconds is { } s && range.TotalSeconds / s > MaxHistoryPoints)
            {
                errors["step"] = [$"step is too small for the range: at most {MaxHistoryPoints} buckets are returned."];
            }
            else if (stepSeconds is null && points is { } p)
            {
                // The server chose the step, so it may put it on a rollup tier's grid (never more buckets than asked for).
                stepSeconds = Math.Max(1e-6, range.TotalSeconds / p);
                aligned = true;
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The history query is invalid.");
        }

        var query = new HistoryQuery(agentId, start, end, stepSeconds, points ?? MaxHistoryPoints, globs, aligned);
        return await grains.GetGrain<IHistoryGrain>(0).QueryJson(query) is { } history
            ? new JsonBytes<HistoryResponse>(history)
            : UnknownAgent(agentId);
    }

    public static async Task<Results<Ok<SeedHistoryResponse>, ProblemHttpResult, ValidationProblem>> GetSeedHistory(
        [FromRoute(Name = "agent_id")] string agentId,
        [FromQuery] string? hours,
        IGrainFactory grains,
        TimeProvider time)
    {
        if (!SampleValidator.IsValidAgentId(agentId))
        {
            return InvalidAgentId();
        }

        var span = 24.0;
        if (hours is not null && !(double.TryParse(hours, NumberStyles.Float, CultureInfo.InvariantCulture, out span) && span > 0 && span <= MaxHistoryRange.TotalHours))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["hours"] = [$"hours must be a number greater than 0 and at most {MaxHistoryRange.TotalHours}."] },
                title: "The history query is invalid.");
        }

        var end = time.GetUtcNow();
        var start = end - TimeSpan.FromHours(span);
        // The headline buckets come first: they count the samples, so the raw ones are read only when there are few.
        var history = grains.GetGrain<IHistoryGrain>(0);
        var buckets = await history.Query(new HistoryQuery(agentId, start, end, (end - start).TotalSeconds / SeedHistoryPoints, SeedHistoryPoints, Series: [], AlignToTiers: true));
        if (buckets is null)
        {
            return UnknownAgent(agentId);
        }

        IReadOnlyList<SeedHistoryPoint> points;
        if (buckets.Buckets!.Sum(b => b.Count) <= SeedHistoryPoints)
        {
            var raw = await history.Query(new HistoryQuery(agentId, start, end, null, SeedHistoryPoints, Series: []));
            points = [.. raw!.Samples!.Select(s => new SeedHistoryPoint(s.Timestamp, s.CpuPercent, s.MemoryPercent, s.DiskPercent))];
        }
        else
        {
            // Too many samples for the seed's flat list: one averaged point per bucket instead.
            points = [.. buckets.Buckets!.Select(b => new SeedHistoryPoint(b.Start, b.CpuPercent.Avg, b.MemoryPercent.Avg, b.DiskPercent.Avg))];
        }

        return TypedResults.Ok(new SeedHistoryResponse(agentId, span, points));
    }

    private static ProblemHttpResult NotAllowedFor(string agentId) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "This agent token may not report for this agent; nothing was stored.",
        detail: $"The token is not configured for agent '{agentId}' (AgentAuth:Tokens:N:Agents), or it is another agent's key (an agent key reports for its own agent_id only).");

    internal static ProblemHttpResult UnknownAgent(string agentId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown agent.",
        detail: $"No sample from agent '{agentId}' has been received.");

    internal static ValidationProblem InvalidAgentId() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["agent_id"] = ["agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."] },
        title: "The agent id is invalid.");

    /// <summary>The <c>series</c> parameter: comma-separated globs of series names (<c>cpu.core[*],disk[/].percent</c>), or null when absent.</summary>
    private static IReadOnlyList<string>? ParseSeries(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        var globs = value.Split(',', StringSplitOptions.TrimEntries);
        if (globs.Length > MaxSeriesGlobs || Array.Exists(globs, g => g.Length is 0 or > 200 || g.Any(char.IsControl)))
        {
            errors["series"] = [$"series must be 1 to {MaxSeriesGlobs} comma-separated series names or globs (* and ?), each 1 to 200 characters."];
            return null;
        }

        return globs;
    }

    /// <summary>Seconds from "90", "90s", "5m", "1h" or "1d".</summary>
    private static double? ParseStep(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        var (number, unit) = value.Length > 0 && char.IsLetter(value[^1]) ? (value[..^1], value[^1]) : (value, 's');
        double? seconds = unit switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => null,
        };
        if (seconds is { } scale && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && double.IsFinite(amount) && amount > 0)
        {
            return amount * scale;
        }

        errors["step"] = ["step must be a positive duration: seconds, or a number with s, m, h or d (e.g. 5m)."];
        return null;
    }
}
