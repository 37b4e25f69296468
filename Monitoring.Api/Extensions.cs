using System.Text.Json.Serialization;
using Monitoring.Abstractions;
using Monitoring.Api.Agents;
using Monitoring.Api.Alerts;
using Monitoring.Api.Dashboard;
using Monitoring.Api.Errors;
using Monitoring.Api.Export;
using Monitoring.Api.Ingest;
using Monitoring.Api.Limits;
using Monitoring.Api.Storage;
using Monitoring.Contracts;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using System.Net;
using Orleans.Serialization;

namespace Monitoring.Api;

public static partial class Extensions
{
    /// <summary>Largest request body accepted; a sample is about 1 KiB, a backfill batch at most a thousand of them.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// The API's services, on any host that has an <see cref="IGrainFactory"/>: its own process (with
    /// <see cref="AddClusterClient"/>) or the silo of an all-in-one node. RFC 7807 errors for every bad request, the
    /// wire format's source-generated JSON, access control, the OpenAPI document and the dashboard.
    /// </summary>
    public static IHostApplicationBuilder AddMonitoringApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
            options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, MonitoringJsonContext.Default);
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
        });
        builder.AddAgentAuthentication();
        builder.AddAccessControl();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RawRetention>();
        builder.AddRateLimits();
        builder.AddDashboard();
        return builder;
    }

    /// <summary>
    /// Everything the API serves: the middleware (errors, cross-site guard, dashboard files, authentication) and every
    /// endpoint but the health checks, which each host maps itself; <c>/metrics</c> here needs a read token like every read.
    /// </summary>
    public static WebApplication MapMonitoringApi(this WebApplication app)
    {
        app.WarnWhenOpen();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCrossSiteRequestGuard();
        app.UseDashboard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi().RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapMetricsEndpoint().RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries);
        app.MapMetricsApi();
        app.MapAgentsApi();
        app.MapAlertRulesApi();
        app.MapAlertsApi();
        app.MapStorageApi();
        app.MapExportApi();
        app.MapAccessApi();
        app.MapAuditApi();
        app.MapSessionApi();
        app.MapAgentKeysApi();
        return app;
    }

    /// <summary>
    /// A separate API process: an Orleans client of the cluster. It finds the silos in PostgreSQL's membership table with
    /// <c>Storage:Provider=postgres</c>, else at a static gateway (localhost unless configuration names an Orleans provider).
    /// </summary>
    public static IHostApplicationBuilder AddClusterClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        builder.Services.AddOptions<ClusterStorageOptions>().Bind(builder.Configuration.GetSection(ClusterStorage.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ClusterStorageOptions>, ClusterStorageOptions.Validator>();
        var provider = builder.Configuration.GetSection(ClusterStorage.SectionName).GetValue(nameof(ClusterStorageOptions.Provider), StorageProvider.Sqlite);
        builder.UseOrleansClient(client =>
        {
            if (provider == StorageProvider.Postgres)
            {
                client.UseAdoNetClustering(options => options.Invariant = ClusterStorage.PostgresInvariant);
                client.Services.AddOptions<AdoNetClusteringClientOptions>().Configure<IOptions<ClusterStorageOptions>, IConfiguration>((options, storage, configuration) =>
                    options.ConnectionString = ClusterStorage.Pooled(configuration.GetConnectionString(ClusterStorage.ConnectionStringName)!, storage.Value.PoolSize));
            }
            else if (builder.Configuration["Orleans:Clustering:ProviderType"] is null)
            {
                // Read when the client starts, not now: hosts and tests may still be adding configuration.
                client.UseStaticClustering(gateways => gateways.Configure<IConfiguration>((options, configuration) =>
                    options.Gateways = [new IPEndPoint(
                        IPAddress.Parse(Cluster(configuration).GetValue("GatewayAddress", ClusterDefaults.GatewayAddress)!),
                        Cluster(configuration).GetValue("GatewayPort", ClusterDefaults.GatewayPort)).ToGatewayUri()]));
            }

            if (provider == StorageProvider.Postgres || builder.Configuration["Orleans:Clustering:ProviderType"] is null)
            {
                client.Services.AddOptions<ClusterOptions>().Configure<IConfiguration>((options, configuration) =>
                {
                    options.ServiceId = Cluster(configuration).GetValue("ServiceId", ClusterDefaults.ServiceId);
                    options.ClusterId = Cluster(configuration).GetValue("ClusterId", ClusterDefaults.ClusterId);
                });
            }

            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ClusterDefaults.CallTimeout);
            client.AddActivityPropagation();
            client.Services.AddSerializer(serializer => serializer.AddMonitoringContracts());
            client.UseConnectionRetryFilter<RetryUntilSiloAnswers>();
        });
        return builder;
    }

    private static IConfigurationSection Cluster(IConfiguration configuration) => configuration.GetSection(ClusterDefaults.SectionName);

    /// <summary>Keeps trying to reach the silo at start-up so the API and silo can start in any order.</summary>
    private sealed partial class RetryUntilSiloAnswers(ILogger<RetryUntilSiloAnswers> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogRetrying(logger, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }

        [LoggerMessage(1, LogLevel.Warning, "The silo does not answer yet ({Reason}); retrying in 1 s")]
        private static partial void LogRetrying(ILogger logger, string reason);
    }
}
