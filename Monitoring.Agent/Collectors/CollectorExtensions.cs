using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.AddHostedService<CollectionService>();
        return services;
    }
}
