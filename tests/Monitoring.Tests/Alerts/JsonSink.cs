using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitoring.Tests.Alerts;

/// <summary>
/// Incoming webhooks of chat and paging services on loopback (real Kestrel): <c>/slack</c>, <c>/teams</c> and
/// <c>/pagerduty</c> keep every JSON body and answer as the services do (Slack <c>ok</c>, Teams and PagerDuty 202).
/// </summary>
public sealed class JsonSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JsonSink(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<JsonSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new JsonSink(app);
        app.MapPost("/{service}", async (string service, HttpContext context) =>
        {
            if (context.Request.ContentType != "application/json")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }

            using var reader = new StreamReader(context.Request.Body);
            sink.Received.Enqueue(("/" + service, await reader.ReadToEndAsync()));
            return service switch
            {
                "slack" => Results.Text("ok"),
                "pagerduty" => Results.Text("""{"status":"success","message":"Event processed"}""", "application/json", statusCode: StatusCodes.Status202Accepted),
                _ => Results.Accepted(),
            };
        });
        await app.StartAsync();
        sink.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return sink;
    }

    /// <summary>The bodies posted to <paramref name="path"/> that mention <paramref name="alertId"/>, oldest first, parsed.</summary>
    public IReadOnlyList<JsonElement> For(string path, string alertId) =>
        [.. Received.Where(r => r.Path == path && r.Body.Contains(alertId, StringComparison.Ordinal)).Select(r => JsonDocument.Parse(r.Body).RootElement)];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
