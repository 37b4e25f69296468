using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Telemetry;

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
                options.SpoolMemoryBytes,
                TimeSpan.FromSeconds(options.SpoolMaxAge),
                provider.GetRequiredService<AgentTelemetry>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DiskSpool>>());
        });
        services.AddSingleton<ClockOffset>();
        services.AddSingleton<AgentHealthStamp>();
        services.AddSingleton<AgentCredential>();
        services.AddHttpClient(nameof(AgentCredential), static client => client.Timeout = Timeout.InfiniteTimeSpan);

        // The sending service holds one client for the agent's lifetime, so connections are recycled instead of the handler to follow DNS changes.
        services.AddHttpClient<MetricsSender>(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .UseSocketsHttpHandler(static (handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddHostedService<SendingService>();
        return services;
    }
}
