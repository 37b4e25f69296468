using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions.Access;
using Monitoring.Api.Ingest;
using Monitoring.Api.Limits;
using Monitoring.Contracts;

namespace Monitoring.Api.Access;

/// <summary>
/// Per-agent keys: admins create enrollment tokens (an expiry and a number of uses), an agent exchanges one for a key bound
/// to its <c>agent_id</c>, and admins list keys by prefix and revoke them. Tokens and keys are shown once and stored hashed.
/// </summary>
public static class AgentKeysApi
{
    public const int MaxUses = 10_000;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    /// <summary>Tries at a fresh prefix when a random one is already taken (a 64-bit prefix: practically never).</summary>
    private const int PrefixAttempts = 3;

    public static IEndpointRouteBuilder MapAgentKeysApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("api/v1").WithTags("Access").ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(AccessControl.Admin).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        admin.MapPost("enrollment-tokens", CreateEnrollmentToken).WithName("CreateEnrollmentToken")
            .WithSummary("Create an enrollment token valid until `expires_at` for `max_uses` enrollments; the answer shows the token, once.");
        admin.MapGet("enrollment-tokens", ListEnrollmentTokens).WithName("ListEnrollmentTokens").WithSummary("Every enrollment token by id, with its expiry and uses (never the token).");
        admin.MapDelete("enrollment-tokens/{id}", DeleteEnrollmentToken).WithName("DeleteEnrollmentToken").WithSummary("Delete an enrollment token; keys issued with it stay valid.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("agent-keys", ListAgentKeys).WithName("ListAgentKeys").WithSummary("Every agent key by prefix, with the agent it reports for (never the key).");
        admin.MapDelete("agent-keys/{prefix}", RevokeAgentKey).WithName("RevokeAgentKey")
            .WithSummary("Revoke an agent key: every API instance refuses it within AgentAuth:KeyRefreshSeconds.").ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("api/v1/enroll", Enroll).WithTags("Access").WithName("EnrollAgent")
            .WithSummary("Exchange an enrollment token for a key of the agent's own, bound to `agent_id`; one use of the token per key.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static async Task<Results<Created<EnrollmentTokenView>, ValidationProblem>> CreateEnrollmentToken(
        EnrollmentTokenRequest request, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (request.ExpiresAt is not { } expires || expires <= now || expires - now > MaxLifetime)
        {
            errors["expires_at"] = [string.Create(CultureInfo.InvariantCulture, $"expires_at is required: a time with an offset in the future, at most {MaxLifetime.TotalDays} days ahead.")];
        }

        if (request.MaxUses is not (>= 1 and <= MaxUses))
        {
            errors["max_uses"] = [string.Create(CultureInfo.InvariantCulture, $"max_uses is required: how many agents may enroll with the token, 1 to {MaxUses}.")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The enrollment token request is invalid; nothing was created.");
        }

        var (id, token) = AgentKeyFormat.New(AgentKeyFormat.EnrollmentTokenKind);
        var record = new EnrollmentTokenRecord(id, BearerToken.Hash(token), request.ExpiresAt!.Value, request.MaxUses!.Value, 0, now, user.ActingName());
        await Tokens(grains).AddEnrollmentToken(record);
        await grains.RecordAsync(user, "CreateEnrollmentToken", id, null, View(record), MonitoringJsonContext.Default.EnrollmentTokenView);
        return TypedResults.Created($"/api/v1/enrollment-tokens/{id}", View(record) with { Token = token });
    }

    public static async Task<Ok<EnrollmentTokenList>> ListEnrollmentTokens(IGrainFactory grains) =>
        TypedResults.Ok(new EnrollmentTokenList([.. (await Tokens(grains).GetEnrollmentTokens()).Select(View)]));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteEnrollmentToken(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await Tokens(grains).RemoveEnrollmentToken(id) is not { } removed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown enrollment token.", detail: $"No enrollment token has id '{id}'.");
        }

        await grains.RecordAsync(user, "DeleteEnrollmentToken", id, View(removed), null, MonitoringJsonContext.Default.EnrollmentTokenView);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<AgentKeyList>> ListAgentKeys(IGrainFactory grains) =>
        TypedResults.Ok(new AgentKeyList([.. (await Tokens(grains).GetKeys()).Select(View)]));

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAgentKey(string prefix, ClaimsPrincipal user, IGrainFactory grains, AgentKeyCache cache)
    {
        if (await Tokens(grains).RevokeKey(prefix) is not { } revoked)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown agent key.", detail: $"No agent key has prefix '{prefix}'.");
        }

        cache.Invalidate();
        await grains.RecordAsync(user, "RevokeAgentKey", prefix, View(revoked), null, MonitoringJsonContext.Default.AgentKeyView);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<EnrollResponse>, ValidationProblem, ProblemHttpResult>> Enroll(
        EnrollRequest request, HttpContext context, IGrainFactory grains, AgentKeyCache cache, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.EnrollmentToken))
        {
            errors["enrollment_token"] = ["enrollment_token is required: the token an admin created with POST /api/v1/enrollment-tokens."];
        }

        if (request.AgentId is not { } agentId || !SampleValidator.IsValidAgentId(agentId))
        {
            errors["agent_id"] = ["agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The enrollment is invalid; no key was issued.");
        }

        if (!AgentKeyFormat.TryParse(request.EnrollmentToken, AgentKeyFormat.EnrollmentTokenKind, out var tokenId))
        {
            return UnknownToken(context);
        }

        var tokenHash = BearerToken.Hash(request.EnrollmentToken!);
        for (var attempt = 1; ; attempt++)
        {
            var (prefix, key) = AgentKeyFormat.New(AgentKeyFormat.AgentKeyKind);
            var outcome = await Tokens(grains).Enroll(tokenId, tokenHash, new AgentKeyRecord(prefix, BearerToken.Hash(key), request.AgentId!, time.GetUtcNow(), tokenId));
            switch (outcome)
            {
                case EnrollOutcome.Enrolled:
                    cache.Invalidate();
                    return TypedResults.Ok(new EnrollResponse(request.AgentId!, prefix, key));
                case EnrollOutcome.Expired:
                    return Refused("The enrollment token has expired; no key was issued.");
                case EnrollOutcome.UsedUp:
                    return Refused("The enrollment token has been used as many times as it may; no key was issued.");
                case EnrollOutcome.PrefixTaken when attempt < PrefixAttempts:
                    continue;
                case EnrollOutcome.PrefixTaken:
                    throw new InvalidOperationException("No free agent key prefix was drawn.");
                default:
                    return UnknownToken(context);
            }
        }
    }

    private static IAgentKeyGrain Tokens(IGrainFactory grains) => grains.GetGrain<IAgentKeyGrain>(0);

    private static EnrollmentTokenView View(EnrollmentTokenRecord token) => new()
    {
        Id = token.Id,
        ExpiresAt = token.ExpiresAt,
        MaxUses = token.MaxUses,
        Uses = token.Uses,
        CreatedAt = token.CreatedAt,
        CreatedBy = token.CreatedBy,
    };

    private static AgentKeyView View(AgentKeyRecord key) => new(key.Prefix, key.AgentId, key.CreatedAt, key.EnrollmentTokenId);

    private static ProblemHttpResult UnknownToken(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "The enrollment token is not recognised; no key was issued.",
            detail: "Ask an admin for a token from POST /api/v1/enrollment-tokens (the agent's ENROLLMENT_TOKEN setting).");
    }

    private static ProblemHttpResult Refused(string title) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: title,
        detail: "Ask an admin for a new enrollment token (POST /api/v1/enrollment-tokens).");
}
