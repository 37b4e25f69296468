using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Monitoring.Contracts;

namespace Monitoring.Api.Live;

/// <summary>
/// Fans every sample this API instance acknowledged out to the dashboard's open live streams, in process: publishing
/// costs one array read when nobody watches, and no grain is called per sample. Each subscriber has its own bounded
/// queue that drops its oldest event when the client cannot keep up, so one slow browser never slows ingest.
/// </summary>
public sealed class LiveFeed
{
    private static readonly Meter Meter = new("Monitoring");
    private static readonly UpDownCounter<long> Subscribers = Meter.CreateUpDownCounter<long>("monitoring.live.subscribers", "{stream}", "Open live dashboard streams.");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("monitoring.live.dropped", "{event}", "Live events dropped for a subscriber that fell behind.");

    private readonly Lock _gate = new();
    private readonly int _buffer;
    private LiveSubscription[] _subscriptions = [];

    public LiveFeed(IOptions<LiveFeedOptions> options, IHostApplicationLifetime lifetime)
    {
        _buffer = options.Value.SubscriberBuffer;
        // Open streams end when the host stops, so shutdown does not wait for browsers to hang up.
        lifetime.ApplicationStopping.Register(CompleteAll);
    }

    /// <summary>Opens a subscription to every agent's samples, or to one agent's when <paramref name="agentId"/> is set.</summary>
    public LiveSubscription Subscribe(string? agentId)
    {
        var channel = Channel.CreateBounded<MetricsReport>(
            new BoundedChannelOptions(_buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Dropped.Add(1));
        var subscription = new LiveSubscription(this, agentId, channel);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        Subscribers.Add(1);
        return subscription;
    }

    /// <summary>Hands an acknowledged sample to every subscription that wants it.</summary>
    public void Publish(MetricsReport sample)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.AgentId is null || string.Equals(subscription.AgentId, sample.AgentId, StringComparison.Ordinal))
            {
                subscription.Writer.TryWrite(sample);
            }
        }
    }

    internal void Remove(LiveSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
        }

        subscription.Writer.TryComplete();
        Subscribers.Add(-1);
    }

    private void CompleteAll()
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            subscription.Writer.TryComplete();
        }
    }
}

/// <summary>One open live stream: its filter and its queue of samples not yet written to the client.</summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveFeed _feed;
    private readonly Channel<MetricsReport> _channel;
    private int _disposed;

    internal LiveSubscription(LiveFeed feed, string? agentId, Channel<MetricsReport> channel)
    {
        _feed = feed;
        _channel = channel;
        AgentId = agentId;
    }

    public string? AgentId { get; }

    public ChannelReader<MetricsReport> Reader => _channel.Reader;

    internal ChannelWriter<MetricsReport> Writer => _channel.Writer;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _feed.Remove(this);
        }
    }
}
