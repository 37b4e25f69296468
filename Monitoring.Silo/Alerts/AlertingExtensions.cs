using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Monitoring.Silo.Alerts;

public static class AlertingExtensions
{
    /// <summary>Alerting: the rule set and each silo's cache of it, the alert-history writer, the start-up liveness sweep and notification delivery.</summary>
    public static ISiloBuilder AddAlerting(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<AlertingOptions>()
            .Bind(configuration.GetSection(AlertingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<AlertingOptions>, RulesFileValidator>();
        silo.Services.AddSingleton<AlertRuleCache>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertRuleCache>());
        silo.Services.AddSingleton<AlertReader>();
        silo.Services.AddSingleton<AlertPreviewer>();
        silo.Services.AddSingleton<AlertHistoryWriter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertHistoryWriter>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LivenessSweeper>();
        silo.Services.AddSingleton<NotificationDispatcher>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<NotificationDispatcher>());
        silo.Services.AddTransient<DeliveryAttemptRecorder>();
        var client = silo.Services.AddHttpClient(NotificationDispatcher.ClientName);
#pragma warning disable EXTEXP0001 // The service defaults' standard handler would retry around the attempt recorder and hide attempts.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("delivery", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<AlertingOptions>>().Value;
                // Backoff waits run on real time even where grains run on a test clock.
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.SystemTimers);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.DeliveryAttempts - 1),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.DeliveryBackoff,
                    ShouldHandle = args => ValueTask.FromResult(options.DeliveryAttempts > 1 && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(10));
            });
        client.AddHttpMessageHandler<DeliveryAttemptRecorder>();
        return silo;
    }

    /// <summary>A bad receiver, or a rules file that is missing or invalid, stops the silo at start naming the setting.</summary>
    private sealed class RulesFileValidator : IValidateOptions<AlertingOptions>
    {
        public ValidateOptionsResult Validate(string? name, AlertingOptions options)
        {
            for (var i = 0; i < options.Receivers.Count; i++)
            {
                var receiver = options.Receivers[i];
                if (string.IsNullOrWhiteSpace(receiver.Name) || options.Receivers.Count(r => r.Name == receiver.Name) > 1)
                {
                    return ValidateOptionsResult.Fail($"Alerting:Receivers:{i}:Name must be set and unique.");
                }

                if (receiver.Type is not (ReceiverOptions.Webhook or ReceiverOptions.Alertmanager))
                {
                    return ValidateOptionsResult.Fail($"Alerting:Receivers:{i}:Type must be webhook or alertmanager.");
                }

                if (!Uri.TryCreate(receiver.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    return ValidateOptionsResult.Fail($"Alerting:Receivers:{i}:Url must be an absolute http or https URL.");
                }
            }

            if (string.IsNullOrEmpty(options.RulesFile))
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                RulesFile.Load(options.RulesFile);
                return ValidateOptionsResult.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return ValidateOptionsResult.Fail($"Alerting:RulesFile '{options.RulesFile}': {e.Message}");
            }
        }
    }
}
