using Microsoft.Extensions.Options;
using Monitoring.Abstractions.Alerting;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// The silo's copy of the rules and silences: agent grains read it on every sample without a grain call, and the silo asks the
/// rule-set grain for a newer version every <see cref="AlertingOptions.RuleRefreshInterval"/> (one call per silo, not per agent).
/// </summary>
/// <remarks>Runs on Orleans' system-timer clock, so a test's fake grain clock does not stop rule refreshes.</remarks>
public sealed partial class AlertRuleCache(
    IGrainFactory grains,
    IOptions<AlertingOptions> options,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider clock,
    ILogger<AlertRuleCache> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly Lock _gate = new();
    private volatile CompiledRuleSet? _current;

    /// <summary>The newest rule set this silo has; loads it on first use.</summary>
    public async ValueTask<CompiledRuleSet> GetAsync()
    {
        if (_current is { } current)
        {
            return current;
        }

        await _loading.WaitAsync();
        try
        {
            if (_current is null)
            {
                Offer((await grains.GetGrain<IAlertRuleSetGrain>(0).GetConfigurationIfChanged(-1))!);
            }

            return _current!;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        Task running = Task.CompletedTask;
        lifecycle.Subscribe(
            nameof(AlertRuleCache),
            ServiceLifecycleStage.Active,
            _ =>
            {
                running = Task.Run(RefreshLoop);
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync();
                await running;
            });
    }

    private async Task RefreshLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RuleRefreshInterval, clock, _stopping.Token);
                var known = _current?.Version ?? -1;
                if (await grains.GetGrain<IAlertRuleSetGrain>(0).GetConfigurationIfChanged(known) is { } changed
                    && Offer(changed))
                {
                    LogRulesChanged(logger, changed.Version, changed.Rules.Count);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    /// <summary>
    /// Takes a configuration unless the cache already holds that version or a newer one: a first load and a refresh may
    /// answer out of order, and the older answer must not replace the newer.
    /// </summary>
    private bool Offer(AlertConfiguration configuration)
    {
        lock (_gate)
        {
            if (_current is not null && configuration.Version <= _current.Version)
            {
                return false;
            }

            _current = CompiledRuleSet.From(configuration);
            return true;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Alert rules version {Version} ({Count} rules) in effect on this silo")]
    private static partial void LogRulesChanged(ILogger logger, long version, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not refresh the alert rules; the silo keeps the rules it has")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
