using Monitoring.Api.Live;

namespace Monitoring.Api.Dashboard;

/// <summary>The web dashboard: static pages under <c>wwwroot/</c> served at <c>/</c>, and the live feed they listen to.</summary>
public static class DashboardExtensions
{
    /// <summary>Scripts, styles and data only from this origin, no inline script, never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveFeedOptions>()
            .Bind(builder.Configuration.GetSection(LiveFeedOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<LiveFeed>();
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Pages and scripts change with every deployment and are small: always revalidate.
                headers.CacheControl = "no-cache";
            },
        });
        app.MapLiveApi();
        return app;
    }
}
