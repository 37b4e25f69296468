using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;

namespace Monitoring.Api.Limits;

/// <summary>Rate limits, section <c>RateLimits</c>: what one agent may send, one caller may ask and how many live streams stay open.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Samples per second one agent id may report, sustained (a batch counts each of its samples).</summary>
    [Range(1, 1_000_000)]
    public int IngestSamplesPerSecond { get; set; } = 50;

    /// <summary>Samples one agent id may report at once: room for two full backfill batches.</summary>
    [Range(1, 10_000_000)]
    public int IngestBurstSamples { get; set; } = 2_000;

    /// <summary>Query requests per second of one access token (or one client address while the API is open), sustained.</summary>
    [Range(1, 1_000_000)]
    public int QueriesPerSecond { get; set; } = 50;

    /// <summary>Query requests one caller may make at once.</summary>
    [Range(1, 10_000_000)]
    public int QueryBurst { get; set; } = 200;

    /// <summary>Live streams one client address may hold open.</summary>
    [Range(1, 100_000)]
    public int LiveStreamsPerClient { get; set; } = 8;

    /// <summary>Live streams this API instance holds open in all.</summary>
    [Range(1, 100_000)]
    public int LiveStreamsTotal { get; set; } = 200;
}

/// <summary>
/// ASP.NET Core rate limiting on queries (per access token, else per client address) and live streams (per client
/// address and in all), and a token bucket per agent id that ingest asks once it knows whose samples a request carries.
/// A refusal is <c>429</c> ProblemDetails with <c>Retry-After</c>, and nothing is stored or changed.
/// </summary>
public static class RateLimits
{
    public const string Queries = "queries";
    public const string LiveStreams = "live";

    /// <summary>How long an agent refused by the agent quota is asked to wait: room is made by an admin, not by time.</summary>
    private static readonly TimeSpan AgentQuotaRetryAfter = TimeSpan.FromMinutes(1);

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestLimiter>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => RejectAsync(
                context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1),
                "Too many requests from this caller; wait as Retry-After says.");
            options.AddPolicy(Queries, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(Caller(context), _ => Bucket(limits.QueryBurst, limits.QueriesPerSecond));
            });
            options.AddPolicy<string, LiveStreamLimiter>(LiveStreams);
        });
        return builder;
    }

    /// <summary>The answer to a sample over its agent's rate: <c>429</c> with <c>Retry-After</c>, nothing stored.</summary>
    public static ProblemHttpResult TooManySamples(HttpContext context, string agentId, TimeSpan retryAfter)
    {
        var seconds = SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many samples",
            detail: string.Create(CultureInfo.InvariantCulture, $"Agent '{agentId}' sends more samples than RateLimits:IngestSamplesPerSecond allows; nothing was stored. Retry after {seconds} s."));
    }

    /// <summary>
    /// The answer to a new agent's sample once the cluster holds <c>Quotas:MaxAgents</c>: <c>429</c> with <c>Retry-After</c>,
    /// nothing stored, so an agent keeps its samples in its spool and tries again until an admin makes room.
    /// </summary>
    public static ProblemHttpResult AgentQuotaFull(HttpContext context, AgentQuotaExceededException refusal)
    {
        var seconds = SetRetryAfter(context, AgentQuotaRetryAfter);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "The agent quota is full",
            detail: string.Create(CultureInfo.InvariantCulture, $"{refusal.Message} Nothing was stored; agents already registered keep reporting. Retry after {seconds} s."));
    }

    /// <summary>Answers <c>429</c> as ProblemDetails with a <c>Retry-After</c> of whole seconds.</summary>
    private static ValueTask RejectAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        SetRetryAfter(context, retryAfter);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    /// <summary>
    /// A token bucket refilled once a second, refusing at once when empty. The partitioned limiter refills every bucket
    /// from its one timer: no timer per agent or caller.
    /// </summary>
    internal static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>Sets <c>Retry-After</c> to whole seconds, at least one; returns them.</summary>
    private static int SetRetryAfter(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>Who is asking: the access token's name once tokens are configured, else the client's address.</summary>
    private static string Caller(HttpContext context) =>
        context.User.ActingName() is { } name ? "token:" + name : "address:" + context.Connection.RemoteIpAddress;
}

/// <summary>Live streams: a few per client address, and a bound on all of them, so idle streams cannot starve ingest.</summary>
internal sealed class LiveStreamLimiter(IOptions<RateLimitOptions> options) : IRateLimiterPolicy<string>, IDisposable
{
    private readonly ConcurrencyLimiter _total = new(new ConcurrencyLimiterOptions { PermitLimit = options.Value.LiveStreamsTotal, QueueLimit = 0 });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get("address:" + httpContext.Connection.RemoteIpAddress, _ => new ChainedLimiter(
            new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.Value.LiveStreamsPerClient, QueueLimit = 0 }),
            _total));

    public void Dispose() => _total.Dispose();

    /// <summary>A stream needs a permit of its client and one of the whole instance; the second is only asked once the first is granted.</summary>
    private sealed class ChainedLimiter(ConcurrencyLimiter client, ConcurrencyLimiter total) : RateLimiter
    {
        public override TimeSpan? IdleDuration => client.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => client.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            var ofClient = client.AttemptAcquire(permitCount);
            if (!ofClient.IsAcquired)
            {
                return ofClient;
            }

            var ofTotal = total.AttemptAcquire(permitCount);
            if (ofTotal.IsAcquired)
            {
                return new BothLease(ofClient, ofTotal);
            }

            ofClient.Dispose();
            return ofTotal;
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                client.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class BothLease(RateLimitLease first, RateLimitLease second) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                first.Dispose();
                second.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>A token bucket per agent id, asked by ingest once a request's samples are known valid and allowed.</summary>
public sealed class IngestLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _agents = PartitionedRateLimiter.Create<string, string>(agentId =>
        RateLimitPartition.GetTokenBucketLimiter(agentId, _ => RateLimits.Bucket(options.Value.IngestBurstSamples, options.Value.IngestSamplesPerSecond)),
        StringComparer.Ordinal);

    /// <summary>Takes <paramref name="samples"/> permits of the agent's bucket; false with how long to wait when it has too few.</summary>
    public bool TryAcquire(string agentId, int samples, out TimeSpan retryAfter)
    {
        // A batch larger than the burst still goes when the bucket is full: asking for more than it holds would never succeed.
        using var lease = _agents.AttemptAcquire(agentId, Math.Min(samples, options.Value.IngestBurstSamples));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _agents.Dispose();
}
