using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Telemetry;
using Polly;
using Polly.Retry;

namespace Monitoring.Agent.Sending;

internal static class SendingExtensions
{
    public static IServiceCollection AddSending(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentTelemetry>();
        services.AddSingleton<ISampleQueue>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new DiskSpool(
                options.SpoolDirectory,
                options.SpoolMaxBytes,
                TimeSpan.FromSeconds(options.SpoolMaxAge),
                provider.GetRequiredService<AgentTelemetry>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DiskSpool>>());
        });

        // The sending service holds one client for the agent's lifetime, so connections are recycled instead of the handler to follow DNS changes.
        services.AddHttpClient<MetricsSender>(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .UseSocketsHttpHandler(static (handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("metrics", static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<AgentOptions>>().Value;
                var logger = context.ServiceProvider.GetRequiredService<ILogger<MetricsSender>>();
                var baseDelay = TimeSpan.FromSeconds(options.RetryBaseDelay);
                var cap = TimeSpan.FromSeconds(options.RetryMaxDelay);

                // Retry until the server answers: a sample is only safe once acknowledged, and rejections are not retried.
                pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = int.MaxValue,
                    ShouldHandle = static args => ValueTask.FromResult(SendPolicy.ShouldRetry(args.Outcome)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff.FullJitter(args.AttemptNumber, baseDelay, cap, Random.Shared)),
                    OnRetry = args =>
                    {
                        Log.SendRetrying(logger, SendPolicy.Describe(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(options.RequestTimeout));
            });

        services.AddHostedService<SendingService>();
        return services;
    }
}
