using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Monitoring.Silo.Notifications;

public static class NotificationExtensions
{
    /// <summary>Notification delivery: the outbox, the dispatcher and its HTTP client, every attempt recorded.</summary>
    public static ISiloBuilder AddNotifications(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddSingleton<NotificationOutbox>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<NotificationOutbox>());
        silo.Services.AddSingleton<NotificationDispatcher>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<NotificationDispatcher>());
        silo.Services.AddValidatedOptions<NotificationOptions>(configuration.GetSection(NotificationOptions.SectionName));
        silo.Services.AddSingleton<IValidateOptions<NotificationOptions>, ReceiversValidator>();
        silo.Services.AddSingleton<EmailSender>();
        silo.Services.AddTransient<DeliveryAttemptRecorder>();
        var client = silo.Services.AddHttpClient(NotificationDispatcher.ClientName);
#pragma warning disable EXTEXP0001 // The service defaults' standard handler would retry around the attempt recorder and hide attempts.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("delivery", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<NotificationOptions>>().Value;
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
}
