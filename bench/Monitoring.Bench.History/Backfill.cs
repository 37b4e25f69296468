using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Bench.History;

/// <summary>What the load sent and what the API acknowledged.</summary>
public sealed record BackfillResult(
    long Sent,
    long Acknowledged,
    int Batches,
    long JsonBytes,
    double SeriesPerSample,
    TimeSpan Elapsed,
    IReadOnlyDictionary<int, int> FailedByStatus,
    string? FirstFailure,
    Percentiles BatchMilliseconds);

/// <summary>
/// Sends every simulated agent's samples through <c>POST /api/v1/metrics/batch</c>, oldest first, in batches the size our
/// agent uses when it drains its spool: at most 1 000 samples and 512 KiB. Several agents load at once, each with one
/// batch in flight; nothing is retried, so every sample is either acknowledged or counted as failed.
/// </summary>
public static class Backfill
{
    private const int MaxBatchSamples = 1000;
    private const int MaxBatchBytes = 512 * 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<BackfillResult> RunAsync(HttpClient http, HistoryOptions options, DateTimeOffset end, CancellationToken cancellationToken)
    {
        long sent = 0, acknowledged = 0, jsonBytes = 0, series = 0;
        var batches = 0;
        var failures = new ConcurrentDictionary<int, int>();
        string? firstFailure = null;
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();

        using var progress = new PeriodicTimer(TimeSpan.FromSeconds(15));
        var reporter = ReportProgressAsync();

        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Agents),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                ISampleSource host = options.Recorded is { } recorded
                    ? new RecordedHost(index, options.IntervalSeconds, recorded, options.Seed)
                    : new SimulatedHost(index, options.IntervalSeconds, end - options.Span, options.Seed);
                var last = end - host.Phase;
                var body = new ArrayBufferWriter<byte>(MaxBatchBytes);
                var sample = new ArrayBufferWriter<byte>(8 * 1024);
                await using var json = new Utf8JsonWriter(sample);
                var count = 0;
                for (var k = options.SamplesPerAgent - 1; k >= 0; k--)
                {
                    var report = host.Next(last - TimeSpan.FromSeconds((double)k * options.IntervalSeconds));
                    Interlocked.Add(ref series, MetricSeries.Flatten(report).Count());
                    sample.ResetWrittenCount();
                    json.Reset();
                    JsonSerializer.Serialize(json, report, MonitoringJsonContext.Default.MetricsReport);
                    if (count == MaxBatchSamples || (count > 0 && body.WrittenCount + sample.WrittenCount + 2 > MaxBatchBytes))
                    {
                        await SendAsync(body, count, ct);
                        count = 0;
                    }

                    body.Write(count == 0 ? "["u8 : ","u8);
                    body.Write(sample.WrittenSpan);
                    count++;
                }

                await SendAsync(body, count, ct);
            });

        var elapsed = clock.Elapsed;
        progress.Dispose();
        await reporter;
        return new BackfillResult(sent, acknowledged, batches, jsonBytes, sent == 0 ? 0 : (double)series / sent, elapsed,
            failures, firstFailure, Percentiles.Of(latencies));

        async Task SendAsync(ArrayBufferWriter<byte> body, int count, CancellationToken ct)
        {
            body.Write("]"u8);
            using var content = new ReadOnlyMemoryContent(body.WrittenMemory);
            content.Headers.ContentType = Json;
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(new Uri("api/v1/metrics/batch", UriKind.Relative), content, ct);
            var answer = await response.Content.ReadAsStringAsync(ct);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Add(ref sent, count);
            Interlocked.Add(ref jsonBytes, body.WrittenCount);
            Interlocked.Increment(ref batches);
            if (response.IsSuccessStatusCode)
            {
                var accepted = JsonSerializer.Deserialize(answer, MonitoringJsonContext.Default.IngestAccepted);
                Interlocked.Add(ref acknowledged, accepted?.Accepted ?? 0);
            }
            else
            {
                failures.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode}: {answer[..Math.Min(answer.Length, 500)]}", null);
            }

            body.ResetWrittenCount();
        }

        async Task ReportProgressAsync()
        {
            while (await progress.WaitForNextTickAsync(CancellationToken.None))
            {
                var done = Interlocked.Read(ref acknowledged);
                Console.WriteLine($"  load: {done} samples acknowledged in {clock.Elapsed.TotalSeconds:0} s ({done / clock.Elapsed.TotalSeconds:0}/s), failed batches {failures.Values.Sum()}");
            }
        }
    }
}
