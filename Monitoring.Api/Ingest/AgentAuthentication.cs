using System.ComponentModel.DataAnnotations;
using System.IO.Enumeration;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Monitoring.Api.Ingest;

/// <summary>Settings of section <c>AgentAuth</c>: the tokens agents must present to report. None configured: ingest is open, as in the seed.</summary>
public sealed class AgentAuthOptions
{
    public const string SectionName = "AgentAuth";

    public List<AgentTokenOptions> Tokens { get; set; } = [];
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
/// checked against the configured tokens in constant time. The reporting endpoints then check that the token may report for
/// each sample's <c>agent_id</c>. Without configured tokens nothing is required, so the seed's agents keep working.
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
            .Validate(options => options.Tokens.All(Valid), $"Every {AgentAuthOptions.SectionName}:Tokens:N:Token must be at least {AgentTokenOptions.MinimumLength} printable ASCII characters without spaces, and :Agents an agent id or a glob of one.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KnownTokens>();
        // No default scheme: only the ingest policy, which names this scheme, authenticates; other requests pay nothing.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentTokenHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Whether agents must present a token, by configuration.</summary>
    public static bool IsRequired(IServiceProvider services) =>
        services.GetRequiredService<IOptions<AgentAuthOptions>>().Value.Tokens.Count > 0;

    /// <summary>Whether the caller may report for <paramref name="agentId"/>: anyone when no token is required.</summary>
    public static bool MayReportFor(this ClaimsPrincipal user, string agentId, bool required) =>
        !required || user.FindAll(AgentsClaim).Any(glob => FileSystemName.MatchesSimpleExpression(glob.Value, agentId, ignoreCase: false));

    private static bool Valid(AgentTokenOptions token) =>
        Validator.TryValidateObject(token, new ValidationContext(token), null, validateAllProperties: true);

    /// <summary>The configured tokens' SHA-256 hashes, computed once.</summary>
    private sealed class KnownTokens(IOptions<AgentAuthOptions> options)
    {
        public IReadOnlyList<(byte[] Hash, string Agents)> All { get; } =
            [.. options.Value.Tokens.Select(t => (BearerToken.Hash(t.Token), t.Agents))];
    }

    /// <summary>Authenticates a bearer token against the configured ones; answers a missing or unknown token with a 401 ProblemDetails.</summary>
    private sealed class AgentTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> scheme,
        ILoggerFactory logger,
        UrlEncoder encoder,
        KnownTokens tokens,
        IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (tokens.All.Count == 0 || BearerToken.PresentedHash(Request) is not { } presented)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = tokens.All
                .Where(known => BearerToken.Matches(known.Hash, presented))
                .Select(known => new Claim(AgentsClaim, known.Agents))
                .ToList();
            return Task.FromResult(claims.Count == 0
                ? AuthenticateResult.Fail("The agent token is not recognised.")
                : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, AgentAuthentication.Scheme)), AgentAuthentication.Scheme)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
            BearerToken.RefuseAsync(
                Context,
                problems,
                StatusCodes.Status401Unauthorized,
                Request.Headers.Authorization.Count > 0 ? "The agent token is not recognised; nothing was stored." : "An agent token is required; nothing was stored.",
                "Send the agent's token as 'Authorization: Bearer <token>' (the agent's AGENT_TOKEN setting).");
    }
}
