using Monitoring.Abstractions;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Liveness;

/// <summary>
/// When a silo starts, activates the grain of every agent seen in the last <see cref="Horizon"/>, so an agent that went
/// silent while the cluster was down is still noticed: a grain that is not active runs no timer. Each grain then gives
/// the agent one grace period (its down threshold, counted from activation) before liveness fires.
/// </summary>
public sealed partial class LivenessSweeper(IHistoryStore store, IGrainFactory grains, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time, ILogger<LivenessSweeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(7);

    private Task _sweep = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(LivenessSweeper),
            ServiceLifecycleStage.Active,
            _ =>
            {
                // In the background: silo start-up does not wait for thousands of activations.
                _sweep = Task.Run(SweepAsync, CancellationToken.None);
                return Task.CompletedTask;
            },
            _ => _sweep);

    private async Task SweepAsync()
    {
        try
        {
            var agents = await store.AgentsSeenSinceAsync(time.GetUtcNow() - Horizon);
            foreach (var chunk in agents.Chunk(100))
            {
                await Task.WhenAll(chunk.Select(id => grains.GetAgentGrain(id).Watch()));
            }

            LogSwept(logger, agents.Count);
        }
        catch (Exception e)
        {
            LogSweepFailed(logger, e);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Watching the liveness of {Count} known agents")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not activate the known agents at start; each is watched again from its next sample")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
