using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Api.Ingest;
using Monitoring.Api.Limits;
using Monitoring.Contracts;

namespace Monitoring.Api.Alerts;

/// <summary>Alerts (current, history, acknowledgement), silences and notification attempts.</summary>
public static class AlertsApi
{
    public static readonly TimeSpan MaxHistoryRange = TimeSpan.FromDays(400);

    private static readonly string[] States = ["pending", "firing", "unknown", "resolved"];

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/alerts").WithTags("Alerts").ProducesProblem(StatusCodes.Status503ServiceUnavailable).RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("", ListAlerts).WithName("ListAlerts").WithSummary("Alerts by state (pending, firing, unknown, resolved; all when absent), of one agent or the fleet.");
        api.MapGet("history", GetHistory).WithName("GetAlertHistory").WithSummary("Every transition from `from` to `to` (default: the last 24 h), oldest first.");
        api.MapPost("{id}/ack", Acknowledge).WithName("AcknowledgeAlert").WithSummary("Acknowledge an active alert: no reminders until it resolves, worsens or the acknowledgement expires; `by` is the access token's name when tokens are configured.")
            .RequireAuthorization(AccessControl.Admin);

        var silences = app.MapGroup("api/v1/silences").WithTags("Alerts").ProducesProblem(StatusCodes.Status503ServiceUnavailable).RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        silences.MapGet("", ListSilences).WithName("ListSilences").WithSummary("Every silence, expired ones included.");
        silences.MapPost("", CreateSilence).WithName("CreateSilence").WithSummary("Silence the alerts that match, from starts_at (default now) to ends_at; `created_by` is the access token's name when tokens are configured.")
            .RequireAuthorization(AccessControl.Admin).ProducesProblem(StatusCodes.Status409Conflict);
        silences.MapDelete("{id}", DeleteSilence).WithName("DeleteSilence").WithSummary("End a silence.").RequireAuthorization(AccessControl.Admin);

        app.MapGet("api/v1/notifications", ListNotifications).WithTags("Alerts").WithName("ListNotifications")
            .WithSummary("The newest notification attempts (every try of every delivery), of one alert or all.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static async Task<Results<Ok<AlertView>, ValidationProblem, ProblemHttpResult>> Acknowledge(
        string id, Acknowledgement acknowledgement, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        acknowledgement = user.ActingName() is { } name ? acknowledgement with { By = name } : acknowledgement;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(acknowledgement.By) || acknowledgement.By.Length > 200)
        {
            errors["by"] = ["by (who acknowledges) is required, at most 200 characters."];
        }

        if (acknowledgement.Comment is { Length: > 2000 })
        {
            errors["comment"] = ["comment is at most 2000 characters."];
        }

        if (acknowledgement.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            errors["expires_at"] = ["expires_at must be in the future."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The acknowledgement is invalid; nothing was changed.");
        }

        var agentId = AlertIds.AgentId(id);
        var agent = SampleValidator.IsValidAgentId(agentId) ? grains.GetAgentGrain(agentId) : null;
        var before = agent is null ? null : (await agent.GetAlerts()).Alerts.FirstOrDefault(a => a.Id == id);
        var acknowledged = before is null ? null : await agent!.Acknowledge(id, acknowledgement with { At = null });
        if (acknowledged is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active alert.", detail: $"No pending, firing or unknown alert has id '{id}'.");
        }

        await grains.RecordAsync(user, "AcknowledgeAlert", id, before, acknowledged, MonitoringJsonContext.Default.AlertView);
        return TypedResults.Ok(acknowledged);
    }

    public static async Task<Ok<SilenceList>> ListSilences(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAlertRuleSetGrain>(0).GetSilences());

    public static async Task<Results<Created<Silence>, ValidationProblem, ProblemHttpResult>> CreateSilence(Silence silence, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        silence = user.ActingName() is { } name ? silence with { CreatedBy = name } : silence;
        var errors = new Dictionary<string, string[]>();
        if (SilenceValidator.Validate(silence, time.GetUtcNow(), errors) is not { } valid)
        {
            return TypedResults.ValidationProblem(errors, title: "The silence is invalid; nothing was changed.");
        }

        if (await grains.GetGrain<IAlertRuleSetGrain>(0).AddSilence(valid) is not { } added)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The silence quota is full; nothing was changed.",
                detail: "The cluster holds its maximum of silences (Quotas:MaxSilences), ended ones included; delete ended silences or raise the quota.");
        }

        await grains.RecordAsync(user, "CreateSilence", added.Id!, null, added, MonitoringJsonContext.Default.Silence);
        return TypedResults.Created($"/api/v1/silences/{added.Id}", added);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSilence(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var ruleSet = grains.GetGrain<IAlertRuleSetGrain>(0);
        var before = (await ruleSet.GetSilences()).Silences.FirstOrDefault(s => s.Id == id);
        if (before is null || !await ruleSet.RemoveSilence(id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown silence.", detail: $"No silence has id '{id}'.");
        }

        await grains.RecordAsync(user, "DeleteSilence", id, before, null, MonitoringJsonContext.Default.Silence);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<NotificationList>, ValidationProblem>> ListNotifications(
        [FromQuery(Name = "alert_id")] string? alertId, string? limit, IGrainFactory grains)
    {
        var count = 100;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= 1000))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be a whole number from 1 to 1000."] },
                title: "The notification query is invalid.");
        }

        return TypedResults.Ok(await grains.GetGrain<IAlertQueryGrain>(0).Notifications(alertId, count));
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

        return TypedResults.Ok(new AlertList(await grains.GetGrain<IAlertQueryGrain>(0).Current(wanted)));
    }

    public static async Task<Results<Ok<AlertHistory>, ValidationProblem>> GetHistory(
        string? from, string? to, [FromQuery(Name = "agent_id")] string? agentId, IGrainFactory grains, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var end = TimeParameter.Parse(to, "to", errors) ?? time.GetUtcNow();
        var start = TimeParameter.Parse(from, "from", errors) ?? end - TimeSpan.FromDays(1);
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
}
