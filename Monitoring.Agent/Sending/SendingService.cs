using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Sending;

/// <summary>Drains the queue one sample at a time, independently of collection so a slow server never delays the timer.</summary>
internal sealed class SendingService(
    ISampleQueue queue,
    MetricsSender sender,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<SendingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await queue.WaitAsync(stoppingToken);
                while (queue.TryDequeue(out var sample))
                {
                    await SendAsync(sample, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (queue.Count > 0)
            {
                Log.UnsentSamplesSpooled(logger, queue.Count);
            }
        }
    }

    private async Task SendAsync(Contracts.MetricsReport sample, CancellationToken stoppingToken)
    {
        try
        {
            await sender.SendAsync(sample, stoppingToken);
            queue.Acknowledge(sample);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            queue.Requeue(sample);
            throw;
        }
        catch (Exception ex)
        {
            // Transient failures are retried inside the pipeline; anything reaching here is unexpected, so pause instead of spinning.
            var pause = TimeSpan.FromSeconds(options.Value.RetryMaxDelay);
            Log.SendFailed(logger, pause, ex);
            queue.Requeue(sample);
            await Task.Delay(pause, time, stoppingToken);
        }
    }
}
