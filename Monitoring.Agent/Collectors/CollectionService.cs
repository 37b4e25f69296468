using Microsoft.Extensions.Options;
using Monitoring.Agent.Checks;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.DiskHealth;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Systemd;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Collects a sample at start and then every interval, and hands it to the queue without waiting for the server.</summary>
internal sealed class CollectionService(
    SystemCollector collector,
    SensorCollector sensors,
    ProcessCollector processes,
    NetworkChecker checker,
    DiskHealthCollector diskHealth,
    ServiceCollector services,
    ISampleQueue queue,
    AgentHealthStamp health,
    IOptions<AgentOptions> options,
    AgentTelemetry telemetry,
    TimeProvider time,
    ILogger<CollectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        Log.AgentStarting(logger, settings.AgentId, settings.AgentName, settings.MetricsEndpoint, settings.Interval);
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            var sample = await CollectAsync(stoppingToken);
            queue.Enqueue(health.Stamp(sample));
            telemetry.SamplesCollected.Add(1);
            Log.SampleCollected(logger, sample.Timestamp, queue.Count);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<MetricsReport> CollectAsync(CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity("collect sample");
        var settings = options.Value;
        var network = checker.CheckAllAsync(cancellationToken);

        // External commands run in the background: the sample takes their last completed reading and never waits for one.
        diskHealth.Refresh();
        services.Refresh();
        var sensorsRead = sensors.CollectAsync(cancellationToken);
        var processesRead = processes.CollectAsync(cancellationToken);
        var system = await collector.CollectAsync(cancellationToken) with
        {
            Sensors = await sensorsRead,
            Processes = await processesRead,
        };
        var checks = await network;
        return new MetricsReport
        {
            AgentId = settings.AgentId,
            AgentName = settings.AgentName,
            Timestamp = system.Timestamp,
            IntervalSeconds = settings.CollectionInterval,
            System = system with { DiskHealth = diskHealth.Latest(), Services = services.Latest },
            Network = checks,
        };
    }
}
