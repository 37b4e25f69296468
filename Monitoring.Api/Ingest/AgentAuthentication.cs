using System.ComponentModel.DataAnnotations;
using System.IO.Enumeration;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Monitoring.Api.Ingest;

/// <summary>
/// Settings of section <c>AgentAuth</c>: the tokens agents must present to report, whether a credential is required without
/// them, and how fresh each instance's copy of the agent keys is. No token configured and not required: ingest is open, as in the seed.
/// </summary>
public sealed class AgentAuthOptions
{
    public const string SectionName = "AgentAuth";

    public List<AgentTokenOptions> Tokens { get; set; } = [];

    /// <summary>Requires an agent token or agent key on ingest even with no token configured (an install of per-agent keys only).</summary>
    public bool Required { get; set; }

    /// <summary>Seconds an API instance trusts its copy of the agent keys: a revoked key is refused everywhere within this.</summary>
    [Range(1, 300, ErrorMessage = "AgentAuth:KeyRefreshSeconds must be a whole number of seconds from 1 to 300.")]
    public int KeyRefreshSeconds { get; set; } = 5;

    /// <summary>Whether ingest needs a credential: a token is configured, or <see cref="Required"/> says so.</summary>
    public bool CredentialRequired => Required || Tokens.Count > 0;
}

/// <summary>One agent token and the agent ids (a glob with <c>*</c> and <c>?</c>) it may report for.</summary>
public sealed class AgentTokenOptions
{
    public const int MinimumLength = 16;

    [Required, MinLength(MinimumLength), RegularExpression("^[\\x21-\\x7E]+$", ErrorMessage = "The token must be printable ASCII without spaces.")]
    public string Token { get; set; } = "";

    [Required, RegularExpression("^[A-Za-z0-9._*?-]{1,64}$", ErrorMessage = "Agents must be an agent id or a glob of one (* and ?).")]
    public string Agents { get; set; } = "*";
}

/// <summary>
/// Agent authentication for ingest (DESIGN.md: the API authenticates the agent): <c>Authorization: Bearer &lt;token&gt;</c>
/// checked in constant time against the configured tokens, or against the enrolled agent keys (<see cref="AgentKeyCache"/>).
/// The reporting endpoints then check that the credential may report for each sample's <c>agent_id</c>: a token by its
/// glob, a key for its own agent only. Without configured tokens nothing is required, so the seed's agents keep working;
/// an agent key is checked even then, so a revoked one is refused.
/// </summary>
public static class AgentAuthentication
{
    public const string Scheme = "AgentToken";
    public const string Policy = "Agent";
    private const string AgentsClaim = "monitoring:agents";

    public static IHostApplicationBuilder AddAgentAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentAuthOptions>()
            .Bind(builder.Configuration.GetSection(AgentAuthOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => options.Tokens.All(Valid), $"Every {AgentAuthOptions.SectionName}:Tokens:N:Token must be at least {AgentTokenOptions.MinimumLength} printable ASCII characters without spaces, and :Agents an agent id or a glob of one.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KnownTokens>();
        builder.Services.AddSingleton<AgentKeyCache>();
        builder.Services.AddSingleton<IAuthorizationHandler, AgentCredentialHandler>();
        // No default scheme: only the ingest policy, which names this scheme, authenticates; other requests pay nothing.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentTokenHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).AddRequirements(new AgentCredentialRequirement()));
        return builder;
    }

    /// <summary>
    /// Whether the caller may report for <paramref name="agentId"/>: an authenticated token or key by its agents, an
    /// anonymous caller only while no credential is required.
    /// </summary>
    public static bool MayReportFor(this ClaimsPrincipal user, string agentId, bool required) =>
        user.Identity?.AuthenticationType == Scheme
            ? user.FindAll(AgentsClaim).Any(glob => FileSystemName.MatchesSimpleExpression(glob.Value, agentId, ignoreCase: false))
            : !required;

    private static bool Valid(AgentTokenOptions token) =>
        Validator.TryValidateObject(token, new ValidationContext(token), null, validateAllProperties: true);

    /// <summary>The configured tokens' SHA-256 hashes, computed once.</summary>
    private sealed class KnownTokens(IOptions<AgentAuthOptions> options)
    {
        public IReadOnlyList<(byte[] Hash, string Agents)> All { get; } =
            [.. options.Value.Tokens.Select(t => (BearerToken.Hash(t.Token), t.Agents))];
    }

    /// <summary>Met by an authenticated token or key; by an anonymous caller while no credential is required, unless it presented an agent key that was not recognised.</summary>
    private sealed record AgentCredentialRequirement : IAuthorizationRequirement;

    private sealed class AgentCredentialHandler(IOptions<AgentAuthOptions> options) : AuthorizationHandler<AgentCredentialRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AgentCredentialRequirement requirement)
        {
            if (context.User.Identity?.AuthenticationType == Scheme
                || (!options.Value.CredentialRequired && context.Resource is HttpContext http && !AgentKeyFormat.LooksLikeAgentKey(BearerToken.Presented(http.Request))))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Authenticates a bearer token against the configured ones, or an agent key against the enrolled ones; answers a missing or unknown one with a 401 ProblemDetails.</summary>
    private sealed class AgentTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> scheme,
        ILoggerFactory logger,
        UrlEncoder encoder,
        KnownTokens tokens,
        AgentKeyCache keys,
        IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var bearer = BearerToken.Presented(Request);
            if (AgentKeyFormat.TryParse(bearer, AgentKeyFormat.AgentKeyKind, out var prefix))
            {
                return await keys.FindAsync(prefix, Context.RequestAborted) is { } key && BearerToken.Matches(key.Hash, BearerToken.Hash(bearer))
                    ? Authenticated(new Claim(AgentsClaim, key.AgentId))
                    : AuthenticateResult.Fail("The agent key is not recognised.");
            }

            if (AgentKeyFormat.LooksLikeAgentKey(bearer))
            {
                return AuthenticateResult.Fail("The agent key is malformed.");
            }

            if (tokens.All.Count == 0 || bearer is null)
            {
                return AuthenticateResult.NoResult();
            }

            var presented = BearerToken.Hash(bearer);
            var claims = tokens.All
                .Where(known => BearerToken.Matches(known.Hash, presented))
                .Select(known => new Claim(AgentsClaim, known.Agents))
                .ToArray();
            return claims.Length == 0 ? AuthenticateResult.Fail("The agent token is not recognised.") : Authenticated(claims);
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
            BearerToken.RefuseAsync(
                Context,
                problems,
                StatusCodes.Status401Unauthorized,
                AgentKeyFormat.LooksLikeAgentKey(BearerToken.Presented(Request)) ? "The agent key is not recognised or was revoked; nothing was stored."
                    : Request.Headers.Authorization.Count > 0 ? "The agent token is not recognised; nothing was stored." : "An agent token is required; nothing was stored.",
                "Send the agent's token as 'Authorization: Bearer <token>' (the agent's AGENT_TOKEN setting), or enroll the agent for a key of its own (ENROLLMENT_TOKEN).");

        private static AuthenticateResult Authenticated(params Claim[] claims) =>
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, AgentAuthentication.Scheme)), AgentAuthentication.Scheme));
    }
}
