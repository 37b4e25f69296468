using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Api.Access;

/// <summary>
/// What agent tokens and access tokens share: a token is known by its SHA-256 (hashes have one length, so comparing them
/// in fixed time leaks nothing), read from <c>Authorization: Bearer</c>, and refused with a ProblemDetails answer.
/// </summary>
internal static class BearerToken
{
    private const string Prefix = "Bearer ";

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The bearer token the request carries, or null when it carries none.</summary>
    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : null;
    }

    /// <summary>The SHA-256 of the bearer token the request carries, or null when it carries none.</summary>
    public static byte[]? PresentedHash(HttpRequest request) => Presented(request) is { } token ? Hash(token) : null;

    public static bool Matches(byte[] known, byte[] presented) => CryptographicOperations.FixedTimeEquals(known, presented);

    /// <summary>Answers 401 (with <c>WWW-Authenticate: Bearer</c>) or 403 as ProblemDetails.</summary>
    public static async Task RefuseAsync(HttpContext context, IProblemDetailsService problems, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        // A caller that accepts no JSON (the browser's EventSource asks for text/event-stream) still gets the ProblemDetails.
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await TypedResults.Problem(problem).ExecuteAsync(context);
        }
    }
}
