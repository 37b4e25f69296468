using System.Diagnostics;
using System.Net;

namespace Monitoring.Bench.History;

/// <summary>The answers to one query kind's timed requests.</summary>
public sealed record QueryResult(Percentiles Milliseconds, Percentiles Bytes, IReadOnlyDictionary<int, int> FailedByStatus);

/// <summary>One HTTP answer, read to its last byte.</summary>
public sealed record Answer(HttpStatusCode Status, byte[] Body, double Milliseconds);

/// <summary>Times GET requests one after another, each for a randomly chosen agent, after untimed warm-up requests.</summary>
public sealed class QueryTimer(HttpClient http, IReadOnlyList<string> agents, Random random)
{
    public async Task<QueryResult> TimeAsync(Func<string, string> path, int warmup, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < warmup; i++)
        {
            await GetAsync(path(RandomAgent()), cancellationToken);
        }

        var milliseconds = new List<double>(count);
        var bytes = new List<double>(count);
        var failures = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            var answer = await GetAsync(path(RandomAgent()), cancellationToken);
            if (answer.Status == HttpStatusCode.OK)
            {
                milliseconds.Add(answer.Milliseconds);
                bytes.Add(answer.Body.Length);
            }
            else
            {
                failures[(int)answer.Status] = failures.GetValueOrDefault((int)answer.Status) + 1;
            }
        }

        return new QueryResult(Percentiles.Of(milliseconds), Percentiles.Of(bytes), failures);
    }

    public string RandomAgent() => agents[random.Next(agents.Count)];

    public async Task<Answer> GetAsync(string path, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Answer(response.StatusCode, body, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
