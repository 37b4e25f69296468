using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Monitoring.Api.Limits;
using Monitoring.Contracts;

namespace Monitoring.Api.Access;

/// <summary>Settings <c>Sessions</c>: how long a dashboard session lasts unused, and where the keys that sign its cookie live.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>A session unused this long ends; each use moves the end on (sliding).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Sessions:Lifetime must be from 1 minute to 30 days.")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A folder for the Data Protection keys that protect the cookie; several API instances behind one address share it. Unset: ASP.NET Core's default.</summary>
    public string? KeysFolder { get; set; }
}

/// <summary>
/// The dashboard's sign-in: <c>POST /api/v1/session</c> exchanges an access token for a session cookie (ASP.NET Core's
/// cookie authentication: HttpOnly, SameSite=Strict, protected by Data Protection) that carries the token's role and
/// name, and <c>DELETE /api/v1/session</c> ends it. A session ends too once its token is no longer configured.
/// </summary>
public static partial class AccessControl
{
    public const string SessionCookieName = "monitoring_session";
    private const int MaxTokenLength = 1024;

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/session").WithTags("Access").RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("", SignIn).WithName("SignIn")
            .WithSummary("Sign the dashboard in with an access token: sets an HttpOnly, SameSite=Strict session cookie that acts with the token's role and name.");
        // Cast: a handler taking only an HttpContext would otherwise bind as a RequestDelegate and drop its typed result.
        api.MapDelete("", (Delegate)SignOut).WithName("SignOut").WithSummary("Sign out: ends the session and clears its cookie.");
        return app;
    }

    public static async Task<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>> SignIn(SignInRequest request, HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<KnownAccessTokens>();
        if (!tokens.Configured)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Access is open; there is nothing to sign in to.",
                detail: "No access token is configured (AccessTokens), so every page and call works without one.");
        }

        if (string.IsNullOrEmpty(request.Token) || request.Token.Length > MaxTokenLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = [$"token (an access token) is required, at most {MaxTokenLength} characters."] },
                title: "The sign-in request is invalid.");
        }

        if (tokens.Authenticate(BearerToken.Hash(request.Token)) is not { } principal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The access token is not recognised; you are not signed in.",
                detail: "Sign in with a token from the API's AccessTokens settings.");
        }

        await context.SignInAsync(SessionScheme, principal);
        return TypedResults.Ok(new SessionView { Name = principal.FindFirstValue(ClaimTypes.Name)!, Role = principal.FindFirstValue(ClaimTypes.Role)! });
    }

    public static async Task<NoContent> SignOut(HttpContext context)
    {
        await context.SignOutAsync(SessionScheme);
        return TypedResults.NoContent();
    }

    private static AuthenticationBuilder AddSessionCookie(this AuthenticationBuilder authentication, IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionOptions>()
            .Bind(builder.Configuration.GetSection(SessionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddDataProtection().SetApplicationName("Monitoring");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<SessionOptions>, ILoggerFactory>((keys, sessions, logging) =>
        {
            if (sessions.Value.KeysFolder is { Length: > 0 } folder)
            {
                keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(folder), logging);
            }
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<IOptions<SessionOptions>>((cookie, sessions) =>
        {
            cookie.ExpireTimeSpan = sessions.Value.Lifetime;
            cookie.SlidingExpiration = true;
        });
        return authentication.AddCookie(SessionScheme, cookie =>
        {
            cookie.Cookie.Name = SessionCookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                if (context.HttpContext.RequestServices.GetRequiredService<KnownAccessTokens>().Revalidate(context.Principal) is { } current)
                {
                    context.ReplacePrincipal(current);
                    return;
                }

                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(SessionScheme);
            };
        });
    }
}
