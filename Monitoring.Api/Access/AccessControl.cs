using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Monitoring.Api.Limits;
using Monitoring.Contracts;

namespace Monitoring.Api.Access;

/// <summary>Settings <c>AccessTokens:N</c>: the tokens people and tools present to read and to administer. None configured: open.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "AccessTokens";

    public List<AccessTokenOptions> Tokens { get; set; } = [];
}

/// <summary>One access token: the token itself (or <c>sha256:&lt;hex&gt;</c> of it), its role and the name it acts under.</summary>
public sealed class AccessTokenOptions
{
    public const string HashPrefix = "sha256:";

    [Required, RegularExpression("^(sha256:[0-9a-fA-F]{64}|(?!sha256:)[\\x21-\\x7E]{16,})$",
        ErrorMessage = "The token must be at least 16 printable ASCII characters without spaces, or sha256: and the 64 hex digits of its SHA-256.")]
    public string Token { get; set; } = "";

    [Required, RegularExpression("^(read|admin)$", ErrorMessage = "The role must be read or admin.")]
    public string Role { get; set; } = "";

    /// <summary>Who acts with this token: acknowledgements and silences record it. Defaults to the role.</summary>
    [RegularExpression("^[\\x21-\\x7E][\\x20-\\x7E]{0,63}$", ErrorMessage = "The name must be 1 to 64 printable ASCII characters.")]
    public string? Name { get; set; }

    /// <summary>The SHA-256 of the token, whichever form the configuration gives.</summary>
    public byte[] Hash() => Token.StartsWith(HashPrefix, StringComparison.Ordinal)
        ? Convert.FromHexString(Token.AsSpan(HashPrefix.Length))
        : BearerToken.Hash(Token);
}

/// <summary>
/// Access control outside ingest: <c>Authorization: Bearer &lt;token&gt;</c> checked against <c>AccessTokens</c> in constant
/// time, or the dashboard's session cookie that signing in with such a token sets (<see cref="PolicyScheme"/> picks the
/// bearer scheme when the request has an <c>Authorization</c> header, the cookie otherwise). Queries, the live feed and
/// the OpenAPI document need the <see cref="Read"/> policy (role read or admin); rules, silences, acknowledgements and the
/// audit log need <see cref="Admin"/>. No token is a 401 with <c>WWW-Authenticate: Bearer</c>, the wrong role a 403; both
/// are refused before the handler runs, so nothing changes. With no access token configured every policy is met, as
/// before access tokens existed, and the API warns at start.
/// </summary>
public static partial class AccessControl
{
    public const string Scheme = "AccessToken";
    public const string SessionScheme = "AccessSession";
    public const string PolicyScheme = "Access";
    public const string Read = "Read";
    public const string Admin = "Admin";
    public const string ReadRole = "read";
    public const string AdminRole = "admin";

    public static IHostApplicationBuilder AddAccessControl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(AccessOptions.SectionName).Bind(options.Tokens))
            .Validate(options => options.Tokens.All(Valid), $"Every {AccessOptions.SectionName}:N:Token must be at least 16 printable ASCII characters without spaces (or sha256:<64 hex digits>), :Role read or admin, and :Name at most 64 printable characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KnownAccessTokens>();
        builder.Services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(Scheme, null)
            .AddSessionCookie(builder)
            .AddPolicyScheme(PolicyScheme, null, options =>
            {
                options.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0 ? Scheme : SessionScheme;
                // Refusals are the bearer scheme's ProblemDetails answers, never the cookie scheme's redirect to a login page.
                options.ForwardChallenge = Scheme;
                options.ForwardForbid = Scheme;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Read, policy => policy.AddAuthenticationSchemes(PolicyScheme).AddRequirements(new RoleRequirement(ReadRole, AdminRole)))
            .AddPolicy(Admin, policy => policy.AddAuthenticationSchemes(PolicyScheme).AddRequirements(new RoleRequirement(AdminRole)));
        return builder;
    }

    /// <summary>Warns once at start when no access token is configured: anyone who reaches the API can read and change alerting.</summary>
    public static WebApplication WarnWhenOpen(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<KnownAccessTokens>().Configured)
        {
            LogOpen(app.Logger);
        }

        return app;
    }

    /// <summary><c>GET /api/v1/access</c>, open to anyone: whether the API is open, so the dashboard can warn about it.</summary>
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/v1/access", (KnownAccessTokens tokens) => TypedResults.Ok(new AccessState { Open = !tokens.Configured }))
            .WithTags("Access").WithName("GetAccess").WithSummary("Whether any access token is configured; `open` means anyone may read and change alerting.")
            .RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    /// <summary>The configured name of the access token the request carries, or null when access is open.</summary>
    public static string? ActingName(this ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == Scheme ? user.FindFirst(ClaimTypes.Name)?.Value : null;

    private static bool Valid(AccessTokenOptions token) =>
        Validator.TryValidateObject(token, new ValidationContext(token), null, validateAllProperties: true);

    [LoggerMessage(1, LogLevel.Warning, "No access token is configured (AccessTokens:N:Token): anyone who can reach this API can read the fleet and change alert rules, silences and acknowledgements")]
    private static partial void LogOpen(ILogger logger);

    /// <summary>The configured tokens' SHA-256 hashes, computed once.</summary>
    private sealed class KnownAccessTokens(IOptions<AccessOptions> options)
    {
        private const string TokenHashClaim = "monitoring:access_token_sha256";

        public IReadOnlyList<(byte[] Hash, string Role, string Name)> All { get; } =
            [.. options.Value.Tokens.Select(t => (t.Hash(), t.Role, t.Name ?? t.Role))];

        public bool Configured => All.Count > 0;

        /// <summary>
        /// Who presents the token of this SHA-256 (role and name, and the hash, so that a session ends when its token is
        /// no longer configured), or null for a token not configured.
        /// </summary>
        public ClaimsPrincipal? Authenticate(byte[] presented)
        {
            var claims = All
                .Where(known => BearerToken.Matches(known.Hash, presented))
                .SelectMany(known => new[] { new Claim(ClaimTypes.Role, known.Role), new Claim(ClaimTypes.Name, known.Name) })
                .ToList();
            return claims.Count == 0
                ? null
                : new ClaimsPrincipal(new ClaimsIdentity([.. claims, new Claim(TokenHashClaim, Convert.ToHexString(presented))], AccessControl.Scheme));
        }

        /// <summary>The session's principal as the configuration stands now, or null when its token is gone.</summary>
        public ClaimsPrincipal? Revalidate(ClaimsPrincipal? session) =>
            session?.FindFirst(TokenHashClaim)?.Value is { Length: 64 } hex ? Authenticate(Convert.FromHexString(hex)) : null;
    }

    /// <summary>Met when access is open, or when the authenticated token has one of the roles.</summary>
    private sealed record RoleRequirement(params string[] Roles) : IAuthorizationRequirement;

    private sealed class RoleRequirementHandler(KnownAccessTokens tokens) : AuthorizationHandler<RoleRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
        {
            if (!tokens.Configured || requirement.Roles.Any(role => context.User.HasClaim(ClaimTypes.Role, role)))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Authenticates a bearer access token; answers a missing or unknown one with 401 and the wrong role with 403, as ProblemDetails.</summary>
    private sealed class AccessTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> scheme,
        ILoggerFactory logger,
        UrlEncoder encoder,
        KnownAccessTokens tokens,
        IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(scheme, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!tokens.Configured || BearerToken.PresentedHash(Request) is not { } presented)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(tokens.Authenticate(presented) is { } principal
                ? AuthenticateResult.Success(new AuthenticationTicket(principal, AccessControl.Scheme))
                : AuthenticateResult.Fail("The access token is not recognised."));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
            BearerToken.RefuseAsync(
                Context,
                problems,
                StatusCodes.Status401Unauthorized,
                Request.Headers.Authorization.Count > 0 ? "The access token is not recognised; nothing was read or changed." : "An access token is required; nothing was read or changed.",
                "Send a token from the API's AccessTokens settings as 'Authorization: Bearer <token>', or sign in to the dashboard (signin.html) with one.");

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            BearerToken.RefuseAsync(
                Context,
                problems,
                StatusCodes.Status403Forbidden,
                "This access token's role may not do this; nothing was changed.",
                "Rules, silences, acknowledgements and the audit log need a token with the admin role.");
    }
}
