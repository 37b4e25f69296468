using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Readiness of the silo's store (<c>/health</c>, not <c>/alive</c>): it can take the write lock within two seconds, and
/// its file system has at least <see cref="StorageOptions.MinFreeDiskMegabytes"/> free. Otherwise the silo would
/// acknowledge nothing, or soon fail mid-write, while a probe called it healthy.
/// </summary>
public sealed class StoreHealthCheck(IHistoryStore store, IOptions<StorageOptions> options) : IHealthCheck
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var minimum = options.Value.MinFreeDiskMegabytes * 1024 * 1024;
        if (store.FreeDiskBytes() is { } free && free < minimum)
        {
            return HealthCheckResult.Unhealthy(
                $"Only {free / (1024 * 1024)} MiB free beside the database, below Storage:MinFreeDiskMegabytes ({options.Value.MinFreeDiskMegabytes}).");
        }

        try
        {
            await store.ProbeWriteAsync(LockTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be written: {e.Message}");
        }
    }
}
