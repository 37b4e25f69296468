using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitoring.Agent.Checks;
using Monitoring.Agent.DiskHealth;
using Monitoring.Agent.Systemd;
using Monitoring.Agent.Telemetry;

namespace Monitoring.Agent.Collectors;

internal static class CollectorExtensions
{
    public static IServiceCollection AddCollectors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentTelemetry>();
        services.TryAddSingleton(SystemSources.Linux);
        services.AddSingleton<SystemCollector>();
        services.TryAddSingleton(SensorSources.Linux);
        services.AddSingleton<SensorCollector>();
        services.AddSingleton<ProcessCollector>();
        services.AddSingleton<NetworkChecker>();
        services.TryAddSingleton(DiskHealthSources.Linux);
        services.AddSingleton<DiskHealthCollector>();
        services.TryAddSingleton(SystemdSources.Linux);
        services.AddSingleton<ServiceCollector>();
        services.TryAddSingleton<IcmpEcho>(NetworkChecker.Echo);

        // No retries and no redirects: a check reports what the target answers, within CHECK_TIMEOUT.
        services.AddHttpClient(NetworkChecker.HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddHostedService<CollectionService>();
        return services;
    }
}
