using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Storage;

/// <summary>What history holds and the disk it takes, for capacity planning.</summary>
public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("api/v1/storage").WithTags("Storage").RequireAuthorization(AccessControl.Read)
            .RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .MapGet("", GetStorage).WithName("GetStorage")
            .WithSummary("Samples stored, bytes on disk per tier (head, raw blocks, 5-minute and 1-hour rollups) and bytes per sample.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Ok<StorageStats>> GetStorage(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IHistoryGrain>(0).GetStorage());
}
