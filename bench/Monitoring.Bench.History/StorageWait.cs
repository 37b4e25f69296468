using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Monitoring.Bench.History;

/// <summary>
/// Waits until the store's background work on the loaded samples is done, so the disk and the queries are measured on
/// what it settles to: <c>GET /api/v1/storage</c> answering no <c>pending_upgrade</c> and no head row older than the
/// current hour (whose compaction waits for the hour to end). Without that endpoint (404) the store has no background
/// work and nothing is waited for.
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

            if (!response.IsSuccessStatusCode || Pending(body, DateTimeOffset.UtcNow) is not { } pending)
            {
                return $"GET /{Path}: {(int)response.StatusCode} without \"pending_upgrade\" and the head tier, not waited: {body[..Math.Min(body.Length, 200)]}";
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

    /// <summary>Rows still to upgrade, plus 1 while the head holds a sample from before the current hour; null when unreadable.</summary>
    private static long? Pending(string body, DateTimeOffset now)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("pending_upgrade", out var upgrade)
                || !upgrade.TryGetInt64(out var rows) || !root.TryGetProperty("tiers", out var tiers))
            {
                return null;
            }

            var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
            var head = tiers.EnumerateArray().FirstOrDefault(t => t.GetProperty("tier").GetString() == "head");
            var waiting = head.ValueKind == JsonValueKind.Object && head.GetProperty("oldest").ValueKind == JsonValueKind.String
                && head.GetProperty("oldest").GetDateTimeOffset() < hour;
            return rows + (waiting ? 1 : 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }
}
