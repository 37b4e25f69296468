using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitoring.Abstractions;

namespace Monitoring.Api;

/// <summary>
/// Readiness of the API (<c>/health</c>, not <c>/alive</c>): a grain call reaches the cluster and is answered within
/// three seconds. Without it the API can acknowledge nothing and answer no query.
/// </summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHistoryGrain>(0).GetRawRetention().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy($"The cluster does not answer: {e.Message}");
        }
    }
}
