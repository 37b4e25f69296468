using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// Drains the spool independently of collection, so a slow server never delays the timer: the live sample first, then
/// the backlog oldest first in paced batches. After an outage the backlog waits a random start delay, and failures back
/// off exponentially with full jitter; the live sample collected meanwhile still goes ahead of any retry.
/// </summary>
internal sealed class SendingService(
    ISampleQueue queue,
    MetricsSender sender,
    AgentCredential credential,
    IOptions<AgentOptions> options,
    AgentTelemetry telemetry,
    TimeProvider time,
    ILogger<SendingService> logger) : BackgroundService
{
    /// <summary>Keeps a batch well under the API's 1 MiB request limit whatever the samples carry.</summary>
    public const long MaxBatchBytes = 512 * 1024;

    private readonly AgentOptions _settings = options.Value;

    /// <summary>Samples of a batch the server refused, sent one by one to find the bad ones; the spool holds them as taken.</summary>
    private readonly Queue<MetricsReport> _singles = new();

    private int _failures;
    private DateTimeOffset _backfillAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Collection goes on meanwhile: what it takes waits in the spool until the agent has its credential.
            await credential.ObtainAsync(stoppingToken);
            _backfillAt = time.GetUtcNow() + StartDelay();
            while (true)
            {
                try
                {
                    await SendNextAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Network failures and server answers are outcomes, not exceptions; anything reaching here is unexpected, so pause instead of spinning.
                    var pause = TimeSpan.FromSeconds(_settings.RetryMaxDelay);
                    Log.SendFailed(logger, pause, ex);
                    await Task.Delay(pause, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (queue.Status.Depth is > 0 and var unsent)
            {
                Log.UnsentSamplesSpooled(logger, unsent);
            }
        }
    }

    private async Task SendNextAsync(CancellationToken cancellationToken)
    {
        if (queue.TryDequeueLive(out var live))
        {
            await SendSingleAsync(live, fromRefusedBatch: false, cancellationToken);
        }
        else if (_singles.TryPeek(out var single))
        {
            await SendSingleAsync(single, fromRefusedBatch: true, cancellationToken);
        }
        else if (queue.Count == 0)
        {
            await queue.WaitAsync(cancellationToken);
        }
        else if (_failures > 0)
        {
            // While the server is unreachable, probe with one sample rather than a whole batch.
            foreach (var oldest in queue.DequeueBacklog(1, MaxBatchBytes))
            {
                await SendSingleAsync(oldest, fromRefusedBatch: false, cancellationToken);
            }
        }
        else if (time.GetUtcNow() < _backfillAt)
        {
            await WaitForLiveAsync(_backfillAt - time.GetUtcNow(), cancellationToken);
        }
        else if (queue.DequeueBacklog(_settings.BackfillBatchSize, MaxBatchBytes) is { Count: > 0 } batch)
        {
            await SendBatchAsync(batch, cancellationToken);
        }
    }

    private async Task SendSingleAsync(MetricsReport sample, bool fromRefusedBatch, CancellationToken cancellationToken)
    {
        var drops = queue.TakeUnreportedDrops();
        SendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(WithDrops(sample, drops), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            queue.SettleDropReport(delivered: false);
            if (!fromRefusedBatch)
            {
                queue.Requeue(sample);
            }

            throw;
        }

        queue.SettleDropReport(outcome.Result == SendResult.Accepted);
        if (outcome.Result == SendResult.Failed)
        {
            if (!fromRefusedBatch)
            {
                queue.Requeue(sample);
            }

            await BackOffAsync(outcome, cancellationToken);
            return;
        }

        if (fromRefusedBatch)
        {
            _singles.Dequeue();
        }

        if (outcome.Result == SendResult.Accepted)
        {
            queue.Acknowledge(sample);
            Log.SampleSent(logger, sample.Timestamp);
            ReportedDrops(drops);
        }
        else
        {
            Reject(sample, outcome);
        }

        Answered();
    }

    private async Task SendBatchAsync(IReadOnlyList<MetricsReport> batch, CancellationToken cancellationToken)
    {
        var drops = queue.TakeUnreportedDrops();
        SendOutcome outcome;
        try
        {
            outcome = await sender.SendBatchAsync(drops is null ? batch : [WithDrops(batch[0], drops), .. batch.Skip(1)], cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            queue.SettleDropReport(delivered: false);
            Requeue(batch);
            throw;
        }

        queue.SettleDropReport(outcome.Result == SendResult.Accepted);
        switch (outcome.Result)
        {
            case SendResult.Accepted:
                foreach (var sample in batch)
                {
                    queue.Acknowledge(sample);
                }

                Log.BatchSent(logger, batch.Count, batch[0].Timestamp, batch[^1].Timestamp);
                ReportedDrops(drops);
                _backfillAt = time.GetUtcNow() + TimeSpan.FromSeconds(batch.Count / _settings.BackfillRate);
                Answered();
                break;
            case SendResult.Rejected:
                Log.BatchRejected(logger, batch.Count, outcome.StatusCode ?? 0, outcome.Detail);
                foreach (var sample in batch)
                {
                    _singles.Enqueue(sample);
                }

                Answered();
                break;
            default:
                Requeue(batch);
                await BackOffAsync(outcome, cancellationToken);
                break;
        }
    }

    private void Reject(MetricsReport sample, SendOutcome outcome)
    {
        var status = outcome.StatusCode ?? 0;
        telemetry.SamplesRejected.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status));
        Log.SampleRejected(logger, sample.Timestamp, (System.Net.HttpStatusCode)status, outcome.Detail);
        queue.Reject(sample, status, outcome.Detail);
    }

    /// <summary>The server answered: after an outage the backlog waits a random delay, so a fleet coming back does not arrive at once.</summary>
    private void Answered()
    {
        if (_failures == 0)
        {
            return;
        }

        _failures = 0;
        var delay = StartDelay();
        _backfillAt = time.GetUtcNow() + delay;
        if (queue.Count > 0)
        {
            Log.BackfillScheduled(logger, queue.Count, delay);
        }
    }

    private async Task BackOffAsync(SendOutcome outcome, CancellationToken cancellationToken)
    {
        var maxDelay = TimeSpan.FromSeconds(_settings.RetryMaxDelay);
        var delay = Backoff.FullJitter(_failures, TimeSpan.FromSeconds(_settings.RetryBaseDelay), maxDelay, Random.Shared);

        // A server that says how long to wait (a rate limit, a restart) is heard, up to RETRY_MAX_DELAY.
        if (outcome.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter < maxDelay ? retryAfter : maxDelay;
        }

        _failures++;
        if (outcome.StatusCode is { } status && SendPolicy.IsCredentialsRefusal(status))
        {
            Log.CredentialsRefused(logger, status, credential.Kind, _settings.AgentId, _failures, delay);
        }
        else
        {
            Log.SendRetrying(logger, outcome.Failure, _failures, delay);
        }

        await Task.Delay(delay, time, cancellationToken);
    }

    /// <summary>Waits until a live sample arrives or <paramref name="delay"/> has passed, whichever comes first.</summary>
    private async Task WaitForLiveAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var elapsed = new CancellationTokenSource(delay, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await queue.WaitForLiveAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The delay is over: time for the backlog.
        }
    }

    private void Requeue(IReadOnlyList<MetricsReport> batch)
    {
        foreach (var sample in batch)
        {
            queue.Requeue(sample);
        }
    }

    private void ReportedDrops(SpoolDrops? drops)
    {
        if (drops is not null)
        {
            Log.DropsReported(logger, drops.Count, drops.Oldest, drops.Newest);
        }
    }

    private TimeSpan StartDelay() => TimeSpan.FromSeconds(_settings.BackfillStartDelay * Random.Shared.NextDouble());

    /// <summary>The sample with the drops not yet reported; the spool keeps the sample as it was collected.</summary>
    private static MetricsReport WithDrops(MetricsReport sample, SpoolDrops? drops) => drops is null
        ? sample
        : sample with
        {
            Agent = (sample.Agent ?? new AgentHealth()) with
            {
                Dropped = new DroppedSamples { Count = drops.Count, From = drops.Oldest, To = drops.Newest },
            },
        };
}
