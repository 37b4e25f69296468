using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>An in-memory <see cref="ISampleQueue"/> holding at most a fixed number of samples: one live slot and a backlog ordered by timestamp.</summary>
internal sealed class BoundedSampleQueue : ISampleQueue
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<MetricsReport, (DateTimeOffset Timestamp, long Sequence)> _backlog = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly int _capacity;
    private readonly AgentTelemetry _telemetry;
    private readonly ILogger<BoundedSampleQueue> _logger;
    private MetricsReport? _live;
    private long _sequence;

    public BoundedSampleQueue(int capacity, AgentTelemetry telemetry, ILogger<BoundedSampleQueue> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _telemetry = telemetry;
        _logger = logger;
        telemetry.ObserveQueueDepth(() => Count);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return CountUnlocked;
            }
        }
    }

    private int CountUnlocked => _backlog.Count + (_live is null ? 0 : 1);

    public void Enqueue(MetricsReport sample)
    {
        MetricsReport? dropped = null;
        lock (_lock)
        {
            var full = CountUnlocked >= _capacity;
            if (_live is { } previous)
            {
                if (full)
                {
                    dropped = _backlog.EnqueueDequeue(previous, NextKey(previous));
                }
                else
                {
                    _backlog.Enqueue(previous, NextKey(previous));
                }
            }
            else if (full)
            {
                dropped = _backlog.Dequeue();
            }

            _live = sample;
        }

        ReportDrop(dropped);
        _signal.Writer.TryWrite(true);
    }

    public void Requeue(MetricsReport sample)
    {
        MetricsReport? dropped = null;
        lock (_lock)
        {
            if (CountUnlocked >= _capacity)
            {
                dropped = _backlog.EnqueueDequeue(sample, NextKey(sample));
            }
            else
            {
                _backlog.Enqueue(sample, NextKey(sample));
            }
        }

        ReportDrop(dropped);
        _signal.Writer.TryWrite(true);
    }

    public bool TryDequeue([NotNullWhen(true)] out MetricsReport? sample)
    {
        lock (_lock)
        {
            if (_live is not null)
            {
                sample = _live;
                _live = null;
                return true;
            }

            return _backlog.TryDequeue(out sample, out _);
        }
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (Count == 0)
        {
            await _signal.Reader.ReadAsync(cancellationToken);
        }
    }

    private (DateTimeOffset, long) NextKey(MetricsReport sample) => (sample.Timestamp ?? DateTimeOffset.MinValue, _sequence++);

    private void ReportDrop(MetricsReport? dropped)
    {
        if (dropped is null)
        {
            return;
        }

        _telemetry.SamplesDropped.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
        Log.SampleDropped(_logger, _capacity, dropped.Timestamp);
    }
}
