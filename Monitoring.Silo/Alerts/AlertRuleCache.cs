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
            return _current ??= CompiledRuleSet.From((await grains.GetGrain<IAlertRuleSetGrain>(0).GetConfigurationIfChanged(-1))!);
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
                if (await grains.GetGrain<IAlertRuleSetGrain>(0).GetConfigurationIfChanged(known) is { } changed)
                {
                    _current = CompiledRuleSet.From(changed);
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

    [LoggerMessage(1, LogLevel.Information, "Alert rules version {Version} ({Count} rules) in effect on this silo")]
    private static partial void LogRulesChanged(ILogger logger, long version, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not refresh the alert rules; the silo keeps the rules it has")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
