using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring.Contracts;

namespace Monitoring.Tests.Alerts;

/// <summary>A webhook receiver on loopback (real Kestrel) that keeps every notification it accepted and can refuse some.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    private WebhookSink(WebApplication app) => _app = app;

    public ConcurrentQueue<WebhookNotification> Received { get; } = new();

    public string Url { get; private set; } = "";

    /// <summary>While set, every delivery is answered 503, as by a receiver that is down.</summary>
    public bool Down { get; set; }

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync(context.Request.Body, MonitoringJsonContext.Default.WebhookNotification);
            var alertId = body!.Alert.Id;
            if (sink.Down)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            if (sink._failures.TryGetValue(alertId, out var left) && left > 0)
            {
                sink._failures[alertId] = left - 1;
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            sink.Received.Enqueue(body);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = address + "/hook";
        return sink;
    }

    /// <summary>Answers 503 to the next <paramref name="times"/> deliveries about <paramref name="alertId"/>.</summary>
    public void Refuse(string alertId, int times) => _failures[alertId] = times;

    public IReadOnlyList<WebhookNotification> For(string alertId) => [.. Received.Where(n => n.Alert.Id == alertId)];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
