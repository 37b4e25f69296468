using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Monitoring.EndToEnd.Tests.AppHost;

/// <summary>Collects the console output of the app host's resources while a test runs, for its failure message.</summary>
internal sealed class ResourceLogs : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(RecentLines Lines, Task Watch)> _resources = [];

    public ResourceLogs(DistributedApplication app, params string[] resourceNames)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var name in resourceNames)
        {
            var lines = new RecentLines(name);
            _resources.Add((lines, WatchAsync(logs, name, lines, _stop.Token)));
        }
    }

    public string Describe() => string.Concat(_resources.Select(resource => resource.Lines.ToString()));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_resources.Select(resource => resource.Watch));
        _stop.Dispose();
    }

    private static async Task WatchAsync(ResourceLoggerService logs, string name, RecentLines lines, CancellationToken cancellation)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(name).WithCancellation(cancellation))
            {
                foreach (var line in batch)
                {
                    lines.Add(line.IsErrorMessage ? $"[err] {line.Content}" : line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The test is over.
        }
    }
}
