using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Silo.Access;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.History;
using Monitoring.Silo.Ingest;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;
using Monitoring.Silo.Storage.Postgres;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Monitoring.Silo;

public static class Extensions
{
    /// <summary>Orleans' name for SQLite; it loads Microsoft.Data.Sqlite (the name "Microsoft.Data.Sqlite" is unknown to it).</summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The silo process: localhost clustering unless configuration names an Orleans clustering provider.</summary>
    public static IHostApplicationBuilder AddMonitoringSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterDefaults.SectionName);
        var provider = builder.Configuration.GetSection(ClusterStorage.SectionName).GetValue(nameof(StorageOptions.Provider), StorageProvider.Sqlite);
        builder.UseOrleans(silo =>
        {
            if (provider == StorageProvider.Postgres)
            {
                silo.UsePostgresClustering(cluster);
            }
            else if (builder.Configuration["Orleans:Clustering:ProviderType"] is null)
            {
                silo.UseLocalhostClustering(
                    siloPort: cluster.GetValue("SiloPort", ClusterDefaults.SiloPort),
                    gatewayPort: cluster.GetValue("GatewayPort", ClusterDefaults.GatewayPort),
                    serviceId: cluster.GetValue("ServiceId", ClusterDefaults.ServiceId)!,
                    clusterId: cluster.GetValue("ClusterId", ClusterDefaults.ClusterId)!);
            }

            silo.AddMonitoring(builder.Configuration);
        });
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    /// <summary>
    /// Grains, registrations in Orleans' ADO.NET grain storage and samples in our history tables, both in one SQLite file
    /// or, with <c>Storage:Provider=postgres</c>, in PostgreSQL; the schema is created before any provider reads it.
    /// Alert history and the notification outbox stay in the SQLite file. Shared by the silo process and test clusters.
    /// </summary>
    public static ISiloBuilder AddMonitoring(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(ClusterStorage.SectionName))
            .Configure(options => StorageOptions.Resolve(options, configuration.GetConnectionString(ClusterStorage.ConnectionStringName)))
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        // Our grains and services read the clock Orleans gives grains (TimeProviderNames.Grains, by default this one); a test
        // replaces that clock alone, as Orleans' own grain directory waits on the default clock.
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<SqliteConnections>();
        var postgres = configuration.GetSection(ClusterStorage.SectionName).GetValue(nameof(StorageOptions.Provider), StorageProvider.Sqlite) == StorageProvider.Postgres;
        if (postgres)
        {
            silo.AddPostgresStorage();
        }
        else
        {
            silo.Services.AddSingleton<IHistoryStore, SqliteHistoryStore>();
            silo.AddAdoNetGrainStorage(StorageNames.Monitoring, options => options.Invariant = SqliteInvariant);
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Monitoring)
                .Configure<SqliteConnections>((options, connections) => options.DataSource = connections);
        }

        silo.Services.AddSingleton<AgentSettings>();
        silo.Services.AddSingleton<HistoryReader>();
        silo.Services.AddSingleton<AlertReader>();
        silo.Services.AddSingleton<AlertPreviewer>();
        silo.Services.AddSingleton<AuditLog>();
        silo.Services.AddSingleton<HistoryWriter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<HistoryWriter>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaCreator>();
        silo.Services.AddValidatedOptions<RetentionOptions>(configuration.GetSection(RetentionOptions.SectionName));
        silo.Services.AddValidatedOptions<HistoryOptions>(configuration.GetSection(HistoryOptions.SectionName));
        silo.Services.AddValidatedOptions<QuotaOptions>(configuration.GetSection(QuotaOptions.SectionName));
        silo.Services.AddSingleton<HistoryCompactor>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<HistoryCompactor>());
        silo.Services.AddSingleton<RetentionSweeper>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<RetentionSweeper>());

        silo.AddActivityPropagation();
        silo.Services.AddSerializer(serializer => serializer.AddMonitoringContracts());
        silo.AddLiveness(configuration);
        silo.AddAlerting(configuration);
        silo.AddNotifications(configuration);
        return silo;
    }

    /// <summary>Options bound from a section and validated at start, so a wrong setting stops the silo naming it.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfigurationSection section)
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>Creates the schema before Orleans' storage provider reads its queries from it.</summary>
    private sealed class SchemaCreator(SqliteConnections connections) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaCreator), ServiceLifecycleStage.RuntimeInitialize, _ =>
            {
                using var connection = connections.Open();
                SqliteSchema.Create(connection, AlertSchema.Tables, NotificationSchema.Tables, AuditLog.Tables);
                return Task.CompletedTask;
            });
    }
}
