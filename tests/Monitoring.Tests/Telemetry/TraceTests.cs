using System.Diagnostics;
using System.Net;
using Monitoring.Abstractions;
using Monitoring.Tests.Alerts;
using Monitoring.Tests.Http;

namespace Monitoring.Tests.Telemetry;

/// <summary>
/// What the traces page shows: the samples' way in, not the silos' timers and polls (unless asked for). The alerting
/// cluster's fake grain clock drives the agent grains' timers; its silos poll the rules every 50 ms of real time.
/// </summary>
[Collection(AlertingCollection.Name)]
public sealed class TraceTests(AlertingClusterFixture fixture)
{
    private const string OrleansSources = "Microsoft.Orleans.";

    /// <summary>A sample's way in, below the agent's own span: agent HTTP POST, API request, grain call, grain, history.</summary>
    private static readonly (string Source, ActivityKind Kind, string Name)[] SamplePath =
    [
        ("System.Net.Http", ActivityKind.Client, "POST"),
        ("Microsoft.AspNetCore", ActivityKind.Server, "POST api/v1/metrics/"),
        (OrleansSources + "Application", ActivityKind.Client, "IAgentGrain/Report"),
        (OrleansSources + "Application", ActivityKind.Server, "IAgentGrain/Report"),
        ("Monitoring", ActivityKind.Internal, "agent.report"),
        ("Monitoring", ActivityKind.Internal, "history.append"),
    ];

    [Fact]
    public async Task By_default_no_trace_begins_with_a_grain_timer_tick_or_a_rule_poll()
    {
        await using var traced = new TracedApi(fixture.Cluster, tracePeriodicWork: false);
        using var counter = new PeriodicWorkCounter();

        await TickAndPollAsync(counter);

        Assert.DoesNotContain(traced.Spans, span => span.DisplayName is PeriodicWorkCounter.TimerTick or PeriodicWorkCounter.RulePoll);
        Assert.DoesNotContain(traced.Spans, span => span.ParentId is null && span.Source.Name.StartsWith(OrleansSources, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_TracePeriodicWork_grain_timer_ticks_and_rule_polls_begin_traces()
    {
        await using var traced = new TracedApi(fixture.Cluster, tracePeriodicWork: true);
        using var counter = new PeriodicWorkCounter();

        await TickAndPollAsync(counter);

        Assert.Contains(traced.Spans, span => span.ParentId is null && span.DisplayName == PeriodicWorkCounter.TimerTick);
        Assert.Contains(traced.Spans, span => span.ParentId is null && span.DisplayName == PeriodicWorkCounter.RulePoll);
    }

    [Fact]
    public async Task A_sample_is_one_trace_from_the_agent_post_to_the_grain_and_its_history_write_links_to_it()
    {
        await using var traced = new TracedApi(fixture.Cluster, tracePeriodicWork: false);
        using var http = traced.Api.CreateClient();
        var agent = Samples.NewAgentId();

        // The agent's own "send sample" span, recorded by the agent's tracer; its HttpClient call carries the traceparent.
        using var send = new Activity("send sample").SetIdFormat(ActivityIdFormat.W3C);
        send.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        send.Start();
        var response = await http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime()));
        send.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IReadOnlyList<Activity> path = [];
        Activity? write = null;
        await Eventually.TrueAsync(() =>
        {
            var trace = traced.Spans.Where(span => span.TraceId == send.TraceId).ToList();
            path = Path(trace, send.SpanId, SamplePath);
            write = path.Count == SamplePath.Length
                ? traced.Spans.FirstOrDefault(span => span.DisplayName == "history.write" && span.Links.Any(link => link.Context.SpanId == path[^1].SpanId))
                : null;
            return Task.FromResult(write is not null);
        }, "the sample's spans and its history write are exported");

        Assert.Null(write!.ParentId);
        Assert.Equal(send.TraceId, write.Links.Single(link => link.Context.SpanId == path[^1].SpanId).Context.TraceId);
    }

    /// <summary>
    /// Reports a sample to a fresh agent grain (its timer starts), moves the grain clock past the timer's longest wait, and
    /// waits until such a tick and three rule polls, each beginning a trace, have ended.
    /// </summary>
    private async Task TickAndPollAsync(PeriodicWorkCounter counter)
    {
        var agent = Samples.NewAgentId();
        await fixture.Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, AlertingClusterFixture.Clock.GetUtcNow()));
        AlertingClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => Task.FromResult(counter.Ticks >= 1 && counter.Polls >= 3), "a grain timer ticked and the rules were polled");
    }

    /// <summary>
    /// The spans <paramref name="steps"/> name, each the child of the one before and the first of <paramref name="root"/>;
    /// as many as are there so far.
    /// </summary>
    private static List<Activity> Path(IReadOnlyList<Activity> trace, ActivitySpanId root, IEnumerable<(string Source, ActivityKind Kind, string Name)> steps)
    {
        var path = new List<Activity>();
        var parent = root;
        foreach (var (source, kind, name) in steps)
        {
            if (trace.FirstOrDefault(span => span.ParentSpanId == parent && span.Source.Name == source && span.Kind == kind && span.DisplayName == name) is not { } child)
            {
                break;
            }

            path.Add(child);
            parent = child.SpanId;
        }

        return path;
    }
}
