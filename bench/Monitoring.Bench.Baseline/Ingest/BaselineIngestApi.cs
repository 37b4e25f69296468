using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitoring.Contracts;

namespace Monitoring.Bench.Baseline.Ingest;

/// <summary>
/// The floor the real ingest path is measured against: the same route, the same JSON contracts and the same
/// success answer as <c>POST /api/v1/metrics</c>, but nothing is stored and nothing leaves the process. Its
/// <c>GET /api/v1/metrics/{agent_id}/latest</c> answers the agent's newest sample from a dictionary in memory.
/// </summary>
public static class BaselineIngestApi
{
    public static WebApplicationBuilder AddBaselineIngest(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, MonitoringJsonContext.Default));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SampleRecorder>();
        builder.Services.AddSingleton<ConcurrentDictionary<string, LatestMetrics>>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBaselineIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/metrics", ReceiveMetrics);
        app.MapPost("/api/v1/metrics/batch", ReceiveBatch);
        app.MapGet("/api/v1/metrics/{agent_id}/latest", GetLatest);
        return app;
    }

    public static Results<Ok<IngestAccepted>, ValidationProblem> ReceiveMetrics(
        MetricsReport report, TimeProvider time, SampleRecorder recorder, ConcurrentDictionary<string, LatestMetrics> latest)
    {
        // The product rejects a sample without its identity; checking the same two fields keeps the floor honest.
        if (string.IsNullOrEmpty(report.AgentId) || report.Timestamp is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["agent_id"] = ["agent_id and timestamp are required."],
            });
        }

        recorder.Record(report);
        if (report.System is { CpuPercent: { } cpu, Memory.Percent: { } memory, Disk.Percent: { } disk } system)
        {
            latest[report.AgentId] = new LatestMetrics
            {
                AgentId = report.AgentId,
                AgentName = report.AgentName ?? report.AgentId,
                Timestamp = report.Timestamp.Value,
                CpuPercent = cpu,
                MemoryPercent = memory,
                DiskPercent = disk,
                System = system,
                Network = report.Network ?? [],
                Agent = report.Agent,
            };
        }

        return TypedResults.Ok(new IngestAccepted("success", "Metrics received", time.GetUtcNow()));
    }

    public static Results<Ok<LatestMetrics>, NotFound> GetLatest(
        [FromRoute(Name = "agent_id")] string agentId, ConcurrentDictionary<string, LatestMetrics> latest) =>
        latest.TryGetValue(agentId, out var newest) ? TypedResults.Ok(newest) : TypedResults.NotFound();

    /// <summary>An agent drains its spool in batches after an outage; answered like the product (same fields, <c>accepted</c>).</summary>
    public static Ok<IngestAccepted> ReceiveBatch(MetricsReport[] reports, TimeProvider time, SampleRecorder recorder)
    {
        foreach (var report in reports)
        {
            recorder.Record(report);
        }

        return TypedResults.Ok(new IngestAccepted("success", "Metrics received", time.GetUtcNow()) { Accepted = reports.Length });
    }
}
