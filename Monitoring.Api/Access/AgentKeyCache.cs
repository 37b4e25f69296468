using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions.Access;
using Monitoring.Api.Ingest;

namespace Monitoring.Api.Access;

/// <summary>
/// This API instance's copy of the agent keys, asked of <see cref="IAgentKeyGrain"/> when a lookup finds it older than
/// <c>AgentAuth:KeyRefreshSeconds</c>: ingest does not call the grain per sample, and a key revoked on any instance is
/// refused here within that period.
/// </summary>
public sealed class AgentKeyCache(IGrainFactory grains, IOptions<AgentAuthOptions> options, TimeProvider time) : IDisposable
{
    private readonly TimeSpan _period = TimeSpan.FromSeconds(options.Value.KeyRefreshSeconds);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot _snapshot = new(-1, FrozenDictionary<string, AgentKeyRecord>.Empty, DateTimeOffset.MinValue);
    private int _invalidations;

    /// <summary>The key with this prefix, or null when there is none (or it was revoked).</summary>
    public async ValueTask<AgentKeyRecord?> FindAsync(string prefix, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (Stale(snapshot))
        {
            snapshot = await RefreshAsync(cancellationToken);
        }

        return snapshot.Keys.GetValueOrDefault(prefix);
    }

    /// <summary>After this instance issued or revoked a key: the next lookup asks the grain.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
        _snapshot = _snapshot with { FetchedAt = DateTimeOffset.MinValue };
    }

    public void Dispose() => _refresh.Dispose();

    private bool Stale(Snapshot snapshot) => time.GetUtcNow() - snapshot.FetchedAt >= _period;

    private async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var current = _snapshot;
            if (!Stale(current))
            {
                return current;
            }

            var fetchedAt = time.GetUtcNow();
            var invalidations = Volatile.Read(ref _invalidations);
            var changed = await grains.GetGrain<IAgentKeyGrain>(0).GetKeysIfChanged(current.Version);
            if (Volatile.Read(ref _invalidations) != invalidations)
            {
                // A key was issued or revoked here while the grain answered: that answer may predate it, so ask again next time.
                fetchedAt = DateTimeOffset.MinValue;
            }

            var next = changed is null
                ? current with { FetchedAt = fetchedAt }
                : new Snapshot(changed.Version, changed.Keys.ToFrozenDictionary(k => k.Prefix, StringComparer.Ordinal), fetchedAt);
            _snapshot = next;
            return next;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(long Version, FrozenDictionary<string, AgentKeyRecord> Keys, DateTimeOffset FetchedAt);
}
