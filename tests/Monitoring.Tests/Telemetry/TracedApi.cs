using System.Collections.Concurrent;
using System.Diagnostics;
using Monitoring.Tests.Cluster;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.TestingHost;

namespace Monitoring.Tests.Telemetry;

/// <summary>
/// The real API with the service defaults' tracing switched on, as under Aspire, and every span it exports kept in
/// memory. Its tracer listens to the whole process, so it also records the in-process silos of the test cluster.
/// </summary>
internal sealed class TracedApi : IAsyncDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public TracedApi(TestCluster cluster, bool tracePeriodicWork)
    {
        Api = new ApiFactory(
            cluster,
            settings: new Dictionary<string, string>
            {
                // Nothing listens there: the spans that count are the ones the recorder below is handed.
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
                ["Telemetry:TracePeriodicWork"] = tracePeriodicWork ? "true" : "false",
            },
            services: services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.AddProcessor(new SimpleActivityExportProcessor(new Recorder(_spans)))));
        Api.StartServer();
    }

    public ApiFactory Api { get; }

    /// <summary>Every span exported so far.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    public ValueTask DisposeAsync() => Api.DisposeAsync();

    private sealed class Recorder(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }
}
