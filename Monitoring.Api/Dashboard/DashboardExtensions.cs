using Microsoft.Extensions.FileProviders;
using Monitoring.Api.Live;

namespace Monitoring.Api.Dashboard;

/// <summary>The web dashboard: static pages under <c>wwwroot/</c> (embedded) served at <c>/</c>, and the live feed they listen to.</summary>
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
        // Embedded in this assembly rather than read from the host's content root, which is the silo's in an all-in-one node.
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardExtensions).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
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
