using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Api.Ingest;
using Monitoring.Contracts;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Live;

/// <summary>The dashboard's live feed: Server-Sent Events of the samples this API instance acknowledges.</summary>
public static class LiveApi
{
    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("api/v1/live").WithTags("Live").RequireAuthorization(AccessControl.Read)
            .RequireRateLimiting(RateLimits.LiveStreams).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .MapGet("", Stream).WithName("LiveSamples")
            .WithSummary("Server-Sent Events: one `sample` event per acknowledged sample (all agents, or `agent_id`'s with every series).");
        return app;
    }

    public static Results<LiveStream, ValidationProblem> Stream(
        [FromQuery(Name = "agent_id")] string? agentId, LiveFeed feed, IOptions<LiveFeedOptions> options, TimeProvider time)
    {
        if (agentId is not null && !SampleValidator.IsValidAgentId(agentId))
        {
            return MetricsApi.InvalidAgentId();
        }

        return new LiveStream(feed, agentId, options.Value, time);
    }

    /// <summary>Builds the event a subscriber sees: headline values for the fleet, every series for one agent's page.</summary>
    public static LiveSample ToLiveSample(MetricsReport sample, bool detailed)
    {
        Dictionary<string, double>? series = null;
        if (detailed)
        {
            series = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in MetricSeries.Flatten(sample))
            {
                series[name] = value;
            }
        }

        return new LiveSample
        {
            AgentId = sample.AgentId!,
            AgentName = sample.AgentName ?? sample.AgentId!,
            Timestamp = sample.Timestamp!.Value,
            IntervalSeconds = sample.IntervalSeconds,
            CpuPercent = sample.System?.CpuPercent,
            MemoryPercent = sample.System?.Memory?.Percent,
            DiskPercent = sample.System?.Disk?.Percent,
            Series = series,
            Network = detailed ? sample.Network : null,
            Agent = detailed ? sample.Agent : null,
            Processes = detailed ? sample.System?.Processes : null,
        };
    }
}

/// <summary>Writes the <c>text/event-stream</c> of one subscription until the client leaves or the host stops.</summary>
public sealed class LiveStream(LiveFeed feed, string? agentId, LiveFeedOptions options, TimeProvider time) : IResult, IEndpointMetadataProvider
{
    private static readonly byte[] EventPrefix = Encoding.UTF8.GetBytes("event: sample\ndata: ");
    private static readonly byte[] EventEnd = Encoding.UTF8.GetBytes("\n\n");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var body = response.BodyWriter;
        var aborted = httpContext.RequestAborted;
        using var subscription = feed.Subscribe(agentId);
        // A keep-alive is an event, not a comment, so the page can tell a silent stream from a dead one.
        var keepAliveEvent = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"event: keepalive\ndata: {options.KeepAliveSeconds}\n\n"));
        var keepAlive = TimeSpan.FromSeconds(options.KeepAliveSeconds);
        var reader = subscription.Reader;
        using var json = new Utf8JsonWriter(body);
        try
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {options.ReconnectMilliseconds}\n")), aborted);
            await body.WriteAsync(keepAliveEvent, aborted);
            while (true)
            {
                using var idle = new CancellationTokenSource(keepAlive, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted, idle.Token);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await body.WriteAsync(keepAliveEvent, aborted);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (reader.TryRead(out var sample))
                {
                    body.Write(EventPrefix);
                    json.Reset();
                    JsonSerializer.Serialize(json, LiveApi.ToLiveSample(sample, agentId is not null), MonitoringJsonContext.Default.LiveSample);
                    body.Write(EventEnd);
                }

                await body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The browser left: nothing to answer.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LiveSample), ["text/event-stream"]));
}
