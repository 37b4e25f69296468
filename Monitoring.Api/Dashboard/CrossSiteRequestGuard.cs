namespace Monitoring.Api.Dashboard;

/// <summary>
/// Refuses a state-changing request that a browser sent from another site (cross-site request forgery), by the
/// browser's own Fetch Metadata (<c>Sec-Fetch-Site</c>) or, from older browsers, by an <c>Origin</c> that is not this
/// host. Agents, curl and scripts send neither header and are not affected, so the API needs no token for them.
/// </summary>
public static class CrossSiteRequestGuard
{
    public static WebApplication UseCrossSiteRequestGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsCrossSite(context.Request))
            {
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Cross-site request refused.",
                    detail: "A request that changes state must come from this site's own pages or from a client that is not a browser.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsCrossSite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site)
        {
            return site is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
