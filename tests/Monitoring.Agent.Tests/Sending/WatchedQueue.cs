using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Agent.Sending;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

/// <summary>
/// The agent's spool as the sending service uses it, showing a test when the service waits for a live sample: it does so
/// only once the backlog is not due yet, and sends nothing until a live sample arrives or the clock ends the wait.
/// </summary>
internal sealed class WatchedQueue(DiskSpool spool) : ISampleQueue, IDisposable
{
    private volatile StrongBox<CancellationToken>? _liveWait;

    public DiskSpool Spool => spool;

    /// <summary>The token of the sending service's wait for a live sample while it waits, canceled when the backlog's time comes.</summary>
    public CancellationToken? LiveWait => _liveWait?.Value;

    public int Count => spool.Count;

    public SpoolStatus Status => spool.Status;

    /// <summary>Puts the watched spool in place of the one <c>AddSending</c> registered.</summary>
    public static void Replace(IServiceCollection services)
    {
        var registration = services.Single(service => service.ServiceType == typeof(ISampleQueue));
        services.Remove(registration);
        services.AddSingleton<ISampleQueue>(provider => new WatchedQueue((DiskSpool)registration.ImplementationFactory!(provider)));
    }

    public void Enqueue(MetricsReport sample) => spool.Enqueue(sample);

    public void Requeue(MetricsReport sample) => spool.Requeue(sample);

    public void Acknowledge(MetricsReport sample) => spool.Acknowledge(sample);

    public void Reject(MetricsReport sample, int statusCode, string problem) => spool.Reject(sample, statusCode, problem);

    public bool TryDequeueLive([NotNullWhen(true)] out MetricsReport? sample) => spool.TryDequeueLive(out sample);

    public IReadOnlyList<MetricsReport> DequeueBacklog(int maxCount, long maxBytes) => spool.DequeueBacklog(maxCount, maxBytes);

    public SpoolDrops? TakeUnreportedDrops() => spool.TakeUnreportedDrops();

    public void SettleDropReport(bool delivered) => spool.SettleDropReport(delivered);

    public ValueTask WaitAsync(CancellationToken cancellationToken) => spool.WaitAsync(cancellationToken);

    public async ValueTask WaitForLiveAsync(CancellationToken cancellationToken)
    {
        _liveWait = new StrongBox<CancellationToken>(cancellationToken);
        try
        {
            await spool.WaitForLiveAsync(cancellationToken);
        }
        finally
        {
            _liveWait = null;
        }
    }

    public void Dispose() => spool.Dispose();
}
