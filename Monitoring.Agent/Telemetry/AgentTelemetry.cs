using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Monitoring.Agent.Telemetry;

/// <summary>The agent's spans and counters, all named "Monitoring.Agent".</summary>
internal sealed class AgentTelemetry
{
    public const string Name = "Monitoring.Agent";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public AgentTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        SamplesCollected = _meter.CreateCounter<long>("monitoring.agent.samples.collected", "{sample}", "Samples the agent collected.");
        SamplesSent = _meter.CreateCounter<long>("monitoring.agent.samples.sent", "{sample}", "Samples the server acknowledged.");
        SamplesDropped = _meter.CreateCounter<long>("monitoring.agent.samples.dropped", "{sample}", "Samples dropped unsent because the spool was over its byte or age limit.");
        SamplesRejected = _meter.CreateCounter<long>("monitoring.agent.samples.rejected", "{sample}", "Samples the server refused with a client error; they are not retried.");
    }

    public Counter<long> SamplesCollected { get; }

    public Counter<long> SamplesSent { get; }

    public Counter<long> SamplesDropped { get; }

    public Counter<long> SamplesRejected { get; }

    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableUpDownCounter("monitoring.agent.queue.depth", depth, "{sample}", "Samples waiting to be sent.");
}
