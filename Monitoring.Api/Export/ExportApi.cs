using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Export;

/// <summary>The fleet for other systems: every agent's newest values and the firing alerts for a Prometheus server to scrape.</summary>
public static class ExportApi
{
    /// <summary>Prometheus' text exposition format, version 0.0.4.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/export").WithTags("Export").RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("prometheus", ExportPrometheus).WithName("ExportPrometheus")
            .WithSummary("Every agent's newest values and every firing alert as Prometheus metrics (text format 0.0.4), for a Prometheus server to scrape.")
            .Produces(StatusCodes.Status200OK, contentType: PrometheusContentType);
        return app;
    }

    public static async Task<FileContentHttpResult> ExportPrometheus(IGrainFactory grains) =>
        TypedResults.Bytes(await grains.GetGrain<IFleetExportGrain>(0).Prometheus(), PrometheusContentType);
}
