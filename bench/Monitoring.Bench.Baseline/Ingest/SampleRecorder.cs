using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Bench.Baseline.Ingest;

/// <summary>
/// With <c>Capture:Path</c> set, every accepted sample is appended to that file as one line of JSON: how bench/history.sh
/// records the real agent's bodies to replay them. Without it, nothing is written and nothing is kept.
/// </summary>
public sealed class SampleRecorder(IConfiguration configuration) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter? _file = configuration["Capture:Path"] is { Length: > 0 } path
        ? new StreamWriter(path, append: true) { AutoFlush = true }
        : null;

    public void Record(MetricsReport report)
    {
        if (_file is null)
        {
            return;
        }

        var line = JsonSerializer.Serialize(report, MonitoringJsonContext.Default.MetricsReport);
        lock (_gate)
        {
            _file.WriteLine(line);
        }
    }

    public void Dispose() => _file?.Dispose();
}
