using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Api.Ingest;
using Monitoring.Contracts;

namespace Monitoring.Api.Alerts;

/// <summary>Alerts under <c>/api/v1/alerts</c>: the current ones and the transitions over a time range.</summary>
public static class AlertsApi
{
    public static readonly TimeSpan MaxHistoryRange = TimeSpan.FromDays(400);

    private static readonly string[] States = ["pending", "firing", "unknown", "resolved"];

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/alerts").WithTags("Alerts").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("", ListAlerts).WithName("ListAlerts").WithSummary("Alerts by state (pending, firing, unknown, resolved; all when absent), of one agent or the fleet.");
        api.MapGet("history", GetHistory).WithName("GetAlertHistory").WithSummary("Every transition from `from` to `to` (default: the last 24 h), oldest first.");
        return app;
    }

    public static async Task<Results<Ok<AlertList>, ValidationProblem>> ListAlerts(
        string? state, [FromQuery(Name = "agent_id")] string? agentId, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (state is not null && !States.Contains(state))
        {
            errors["state"] = ["state must be pending, firing, unknown or resolved."];
        }

        if (agentId is not null && !SampleValidator.IsValidAgentId(agentId))
        {
            errors["agent_id"] = ["agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The alert query is invalid.");
        }

        string[] wanted = state is null ? States : [state];
        if (agentId is not null)
        {
            var mine = await grains.GetAgentGrain(agentId).GetAlerts();
            return TypedResults.Ok(new AlertList([.. mine.Alerts.Where(a => wanted.Contains(a.State))]));
        }

        var current = await grains.GetGrain<IAlertQueryGrain>(0).Current(wanted);
        return TypedResults.Ok(new AlertList([.. current.Select(e => e.ToView())]));
    }

    public static async Task<Results<Ok<AlertHistory>, ValidationProblem>> GetHistory(
        string? from, string? to, [FromQuery(Name = "agent_id")] string? agentId, IGrainFactory grains, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var end = ParseTime(to, "to", errors) ?? time.GetUtcNow();
        var start = ParseTime(from, "from", errors) ?? end - TimeSpan.FromDays(1);
        if (agentId is not null && !SampleValidator.IsValidAgentId(agentId))
        {
            errors["agent_id"] = ["agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."];
        }

        if (errors.Count == 0 && (end <= start || end - start > MaxHistoryRange))
        {
            errors["from"] = [$"from must be earlier than to, at most {MaxHistoryRange.TotalDays} days before it."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The alert history query is invalid.");
        }

        return TypedResults.Ok(await grains.GetGrain<IAlertQueryGrain>(0).History(start, end, agentId));
    }

    internal static DateTimeOffset? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"{field} must be an ISO 8601 time, e.g. 2026-11-25T10:00:00Z."];
        return null;
    }
}
