using System.Text;
using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Bench.Load;

/// <summary>
/// What each request is: a sample in our API's JSON, the same sample as one InfluxDB line-protocol point (a time-series
/// database's peer ingest), or a read of an agent's newest sample (<c>GET /api/v1/metrics/{agent_id}/latest</c>).
/// </summary>
public enum SampleFormat
{
    Json,
    InfluxLine,
    GetLatest,
}

/// <summary>
/// One complete HTTP request for <c>POST /api/v1/metrics</c> with the seed's example body (or <c>POST /write</c> with
/// the same values as one line-protocol point), serialized once; each sample only overwrites its fixed-width agent
/// number and timestamp in place, so the generator spends almost no CPU per request and every body has the same length.
/// </summary>
public sealed class SampleTemplate
{
    private const string TimestampShape = "0000-00-00T00:00:00.000000+00:00";

    /// <summary>Nanoseconds since the epoch: 19 digits from 2001 to 2286.</summary>
    private const string NanosecondsShape = "0000000000000000000";

    private readonly byte[] _request;
    private readonly int _agentIdAt;
    private readonly int _agentNameAt;
    private readonly int _timestampAt;
    private readonly int _bodyAt;

    public SampleTemplate(string host, int agents, DateTime firstTimestampUtc, SampleFormat format = SampleFormat.Json)
    {
        Agents = agents;
        AgentDigits = Math.Max(5, (agents - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        FirstTimestampUtc = firstTimestampUtc;
        Format = format;

        var digits = new string('0', AgentDigits);
        if (format == SampleFormat.GetLatest)
        {
            const string path = "GET /api/v1/metrics/agent-";
            _request = Encoding.UTF8.GetBytes($"{path}{digits}/latest HTTP/1.1\r\nHost: {host}\r\n\r\n");
            _agentIdAt = path.Length;
            _agentNameAt = -1;
            _timestampAt = -1;
            _bodyAt = _request.Length;
            return;
        }

        var bodyBefore = format == SampleFormat.Json
            ? new[]
            {
                "{\"agent_id\":\"agent-",
                "\",\"agent_name\":\"bench ",
                "\",\"timestamp\":\"",
            }
            : ["system,agent_id=agent-", ",agent_name=bench\\ ", " "];
        var bodyAfter = format == SampleFormat.Json
            ? "\",\"interval_seconds\":60,\"system\":{\"cpu_percent\":12.5," +
              "\"memory\":{\"total\":8000000000,\"available\":4000000000,\"used\":4000000000,\"percent\":50.0}," +
              "\"disk\":{\"total\":100000000000,\"used\":40000000000,\"free\":60000000000,\"percent\":40.0}}," +
              "\"network\":[{\"host\":\"db.internal\",\"port\":5432,\"status\":\"up\",\"latency_ms\":1.2}]}"
            : "\n";
        if (format == SampleFormat.InfluxLine)
        {
            // The JSON sample's values as the fields of one point, its timestamp last.
            bodyBefore[2] = " cpu_percent=12.5,memory_total=8000000000,memory_available=4000000000,memory_used=4000000000,memory_percent=50," +
                "disk_total=100000000000,disk_used=40000000000,disk_free=60000000000,disk_percent=40,interval_seconds=60,check_db_latency_ms=1.2,check_db_up=1 ";
        }

        var timestampShape = format == SampleFormat.Json ? TimestampShape : NanosecondsShape;
        var body = bodyBefore[0] + digits + bodyBefore[1] + digits + bodyBefore[2] + timestampShape + bodyAfter;
        BodyLength = Encoding.UTF8.GetByteCount(body);

        var head =
            (format == SampleFormat.Json ? "POST /api/v1/metrics HTTP/1.1\r\n" : "POST /write HTTP/1.1\r\n") +
            $"Host: {host}\r\n" +
            (format == SampleFormat.Json ? "Content-Type: application/json\r\n" : "Content-Type: text/plain; charset=utf-8\r\n") +
            $"Content-Length: {BodyLength}\r\n" +
            "\r\n";
        _request = Encoding.UTF8.GetBytes(head + body);
        _bodyAt = head.Length;
        _agentIdAt = _bodyAt + bodyBefore[0].Length;
        _agentNameAt = _agentIdAt + AgentDigits + bodyBefore[1].Length;
        _timestampAt = _agentNameAt + AgentDigits + bodyBefore[2].Length;
    }

    public int Agents { get; }

    public SampleFormat Format { get; }

    public int AgentDigits { get; }

    public int BodyLength { get; }

    public DateTime FirstTimestampUtc { get; }

    public int RequestLength => _request.Length;

    /// <summary>A fresh copy of the request bytes for one connection to patch.</summary>
    public byte[] NewRequestBuffer() => (byte[])_request.Clone();

    /// <summary>
    /// Sample number <paramref name="sequence"/> belongs to agent <c>sequence % agents</c>, and every agent's
    /// n-th sample is one second after its previous one: agents interleave as a fleet does, and no
    /// (agent, timestamp) pair ever repeats.
    /// </summary>
    public (int Agent, DateTime Timestamp) Describe(long sequence)
    {
        var agent = (int)(sequence % Agents);
        var round = sequence / Agents;
        var timestamp = FirstTimestampUtc.AddSeconds(round).AddTicks(agent % 1_000_000 * TimeSpan.TicksPerMicrosecond);
        return (agent, timestamp);
    }

    public void Write(byte[] request, long sequence)
    {
        var (agent, timestamp) = Describe(sequence);
        WriteDigits(request.AsSpan(_agentIdAt, AgentDigits), agent);
        if (Format == SampleFormat.GetLatest)
        {
            return;
        }

        WriteDigits(request.AsSpan(_agentNameAt, AgentDigits), agent);
        if (Format == SampleFormat.InfluxLine)
        {
            WriteDigits(request.AsSpan(_timestampAt, NanosecondsShape.Length), (timestamp - DateTime.UnixEpoch).Ticks * 100);
            return;
        }

        var ts = request.AsSpan(_timestampAt, TimestampShape.Length);
        WriteDigits(ts[..4], timestamp.Year);
        WriteDigits(ts.Slice(5, 2), timestamp.Month);
        WriteDigits(ts.Slice(8, 2), timestamp.Day);
        WriteDigits(ts.Slice(11, 2), timestamp.Hour);
        WriteDigits(ts.Slice(14, 2), timestamp.Minute);
        WriteDigits(ts.Slice(17, 2), timestamp.Second);
        WriteDigits(ts.Slice(20, 6), (int)(timestamp.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>Proves at start-up that a patched line-protocol point carries the sample's agent and timestamp.</summary>
    public void VerifyLine(long sequence)
    {
        var (agent, timestamp) = Describe(sequence);
        var id = agent.ToString(new string('0', AgentDigits), System.Globalization.CultureInfo.InvariantCulture);
        var nanoseconds = ((timestamp - DateTime.UnixEpoch).Ticks * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = BodyText(sequence);
        if (!body.StartsWith($"system,agent_id=agent-{id},agent_name=bench\\ {id} ", StringComparison.Ordinal) || !body.EndsWith($" {nanoseconds}\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The line-protocol template does not carry agent {id} at {nanoseconds} ns: {body}");
        }
    }

    /// <summary>Proves at start-up that a patched request parses with the product's own contracts.</summary>
    public MetricsReport Verify(long sequence)
    {
        var request = NewRequestBuffer();
        Write(request, sequence);
        var report = JsonSerializer.Deserialize(request.AsSpan(_bodyAt), MonitoringJsonContext.Default.MetricsReport)
            ?? throw new InvalidOperationException("The sample body deserialized to null.");
        var (agent, timestamp) = Describe(sequence);
        var expectedId = "agent-" + agent.ToString(new string('0', AgentDigits), System.Globalization.CultureInfo.InvariantCulture);
        if (report.AgentId != expectedId || report.Timestamp != new DateTimeOffset(timestamp, TimeSpan.Zero)
            || report.System?.Memory?.Percent != 50.0 || report.Network is not [{ Host: "db.internal" }])
        {
            throw new InvalidOperationException(
                $"The sample template does not round-trip: got {report.AgentId} at {report.Timestamp:O}, expected {expectedId} at {timestamp:O}.");
        }

        return report;
    }

    public string BodyText(long sequence)
    {
        var request = NewRequestBuffer();
        Write(request, sequence);
        return Encoding.UTF8.GetString(request.AsSpan(_bodyAt));
    }

    private static void WriteDigits(Span<byte> target, long value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
