using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions;
using Monitoring.Api.Ingest;
using Monitoring.Contracts;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Agents;

/// <summary>The fleet: every agent ever seen, and one agent's registration and liveness.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/agents").WithTags("Agents").RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("", ListAgents).WithName("ListAgents").WithSummary("Every agent ever seen, with status and headline values.");
        api.MapGet("{agent_id}", GetAgent).WithName("GetAgent").WithSummary("One agent's registration, status and headline values.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<AgentList>> ListAgents(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IHistoryGrain>(0).ListAgents());

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
}
