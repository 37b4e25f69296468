using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions.Access;
using Monitoring.Api.Limits;
using Monitoring.Contracts;

namespace Monitoring.Api.Access;

/// <summary>
/// The audit log: <see cref="RecordAsync"/> appends an admin action once it is done (a refused or invalid request reaches
/// no handler or returns before it, so it appends nothing), and <c>GET /api/v1/audit</c> pages through it for admins.
/// </summary>
public static class AuditApi
{
    public const string Anonymous = "anonymous";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/v1/audit", ListAuditEntries).WithTags("Access").WithName("ListAuditEntries")
            .WithSummary("Admin actions, newest first: who, what, when, and the target before and after; `cursor` (the previous page's `next_cursor`) pages to older ones.")
            .RequireAuthorization(AccessControl.Admin).RequireRateLimiting(RateLimits.Queries)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAuditEntries(string? limit, string? cursor, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        var count = DefaultLimit;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        long? before = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                before = id;
            }
            else
            {
                errors["cursor"] = ["cursor must be the next_cursor of an earlier page."];
            }
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors, title: "The audit query is invalid.")
            : TypedResults.Ok(await grains.GetGrain<IAuditLogGrain>(0).Read(before, count));
    }

    /// <summary>Appends a done admin action: the acting token's name (anonymous while access is open), the target before and after as JSON.</summary>
    public static Task RecordAsync<T>(this IGrainFactory grains, ClaimsPrincipal user, string operation, string target, T? before, T? after, JsonTypeInfo<T> type)
        where T : class =>
        grains.GetGrain<IAuditLogGrain>(0).Append(new AuditEntry
        {
            Actor = user.ActingName() ?? Anonymous,
            Operation = operation,
            Target = target,
            Before = before is null ? null : JsonSerializer.SerializeToElement(before, type),
            After = after is null ? null : JsonSerializer.SerializeToElement(after, type),
        });
}
