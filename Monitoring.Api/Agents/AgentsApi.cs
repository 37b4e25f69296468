using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Api.Ingest;
using Monitoring.Contracts;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Agents;

/// <summary>The fleet: every agent ever seen, page by page; one agent's registration and liveness; deleting an agent.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/agents").WithTags("Agents").RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("", ListAgents).WithName("ListAgents")
            .WithSummary("Agents by agent_id with status and headline values, at most `limit` (1-1000, default 1000) a page; `next_cursor` (and a Link header) asks for the next page.");
        api.MapGet("{agent_id}", GetAgent).WithName("GetAgent").WithSummary("One agent's registration, status and headline values.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("{agent_id}", DeleteAgent).WithName("DeleteAgent")
            .WithSummary("Delete an agent: its registration, its history in every tier and its alerts. A later sample registers it as new.")
            .RequireAuthorization(AccessControl.Admin).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<AgentList>, ValidationProblem>> ListAgents(
        [FromQuery] string? limit, [FromQuery] string? cursor, HttpContext context, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        var count = AgentCursor.MaxLimit;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= AgentCursor.MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {AgentCursor.MaxLimit}."];
        }

        var after = cursor is null ? null : AgentCursor.Decode(cursor);
        if (cursor is not null && !SampleValidator.IsValidAgentId(after))
        {
            errors["cursor"] = ["cursor must be a next_cursor this API gave out."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The agent list request is invalid.");
        }

        var page = await grains.GetGrain<IHistoryGrain>(0).ListAgents(after, count);
        if (page.NextCursor is { } next)
        {
            context.Response.Headers.Link = string.Create(CultureInfo.InvariantCulture, $"</api/v1/agents?limit={count}&cursor={next}>; rel=\"next\"");
        }

        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<AgentSummary>, ProblemHttpResult, ValidationProblem>> GetAgent(
        [FromRoute(Name = "agent_id")] string agentId, IGrainFactory grains)
    {
        if (!SampleValidator.IsValidAgentId(agentId))
        {
            return MetricsApi.InvalidAgentId();
        }

        return await grains.GetAgentGrain(agentId).GetSummary() is { } agent
            ? TypedResults.Ok(agent)
            : MetricsApi.UnknownAgent(agentId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteAgent(
        [FromRoute(Name = "agent_id")] string agentId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!SampleValidator.IsValidAgentId(agentId))
        {
            return MetricsApi.InvalidAgentId();
        }

        var agent = grains.GetAgentGrain(agentId);
        var before = await agent.GetSummary();
        if (!await agent.Delete())
        {
            return MetricsApi.UnknownAgent(agentId);
        }

        await grains.RecordAsync(user, "DeleteAgent", agentId, before, null, MonitoringJsonContext.Default.AgentSummary);
        return TypedResults.NoContent();
    }
}
