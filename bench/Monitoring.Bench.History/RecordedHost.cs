using System.Globalization;
using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Bench.History;

/// <summary>
/// One agent replaying bodies that our real agent sent (recorded by bench/record-agent.sh): each body in turn, from
/// a start that differs per agent, with this agent's identity, the timestamp it is given and the load's interval. Only
/// those change; every value is as the real agent measured it.
/// </summary>
public sealed class RecordedHost(int index, int intervalSeconds, IReadOnlyList<MetricsReport> recorded, int seed) : ISampleSource
{
    private readonly string _agentName = string.Create(CultureInfo.InvariantCulture, $"host-{index:D5}.bench.internal");
    private long _next = (long)index * 7919 % recorded.Count;

    public TimeSpan Phase { get; } = TimeSpan.FromMicroseconds(new Random(unchecked((seed * 1_000_003) + index)).NextInt64(0, intervalSeconds * 1_000_000L));

    /// <summary>The bodies of a recording: one JSON object per line, as the baseline's <c>Capture:Path</c> writes them.</summary>
    public static IReadOnlyList<MetricsReport> Load(string path)
    {
        List<MetricsReport> bodies;
        try
        {
            bodies = [.. File.ReadLines(path)
                .Where(line => line.Length > 0)
                .Select(line => JsonSerializer.Deserialize(line, MonitoringJsonContext.Default.MetricsReport)!)
                .OrderBy(report => report.Timestamp)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ArgumentException($"--samples: {e.Message}", e);
        }

        return bodies.Count > 0 ? bodies : throw new ArgumentException($"--samples: {path} holds no sample.");
    }

    public MetricsReport Next(DateTimeOffset timestamp)
    {
        var body = recorded[(int)(_next++ % recorded.Count)];
        return body with
        {
            AgentId = SimulatedHost.AgentId(index),
            AgentName = _agentName,
            Timestamp = timestamp,
            IntervalSeconds = intervalSeconds,
            System = body.System is { } system ? system with { Timestamp = timestamp } : null,
        };
    }
}
