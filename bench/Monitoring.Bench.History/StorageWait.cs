using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Monitoring.Bench.History;

/// <summary>
/// Waits until the store's background work on the loaded samples is done, so the disk and the queries are measured on
/// what it settles to: <c>GET /api/v1/storage</c> answering <c>{"pending": 0, ...}</c>. Without that endpoint (404) the
/// store has no background work and nothing is waited for.
/// </summary>
public static class StorageWait
{
    private const string Path = "api/v1/storage";

    public static async Task<string> WaitAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync(new Uri(Path, UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return $"GET /{Path}: 404, no background storage work to wait for";
            }

            if (!response.IsSuccessStatusCode || Pending(body) is not { } pending)
            {
                return $"GET /{Path}: {(int)response.StatusCode} without a numeric \"pending\", not waited: {body[..Math.Min(body.Length, 200)]}";
            }

            if (pending == 0)
            {
                return $"GET /{Path}: nothing pending after {clock.Elapsed.TotalSeconds:0.0} s";
            }

            if (clock.Elapsed > timeout)
            {
                return $"GET /{Path}: still {pending} pending after {timeout.TotalSeconds:0} s; measuring anyway";
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static long? Pending(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("pending", out var pending) && pending.TryGetInt64(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
