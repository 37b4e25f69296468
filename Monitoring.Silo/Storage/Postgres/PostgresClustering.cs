using System.Net;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Orleans.Configuration;

namespace Monitoring.Silo.Storage.Postgres;

/// <summary>The cluster on PostgreSQL: membership, grain state and history in the server every silo and API names.</summary>
public static class PostgresClustering
{
    /// <summary>
    /// Joins the cluster through PostgreSQL's membership table, listening on <c>Cluster:SiloPort</c> and
    /// <c>Cluster:GatewayPort</c> and advertising <c>Cluster:AdvertisedAddress</c> (by default the host's own address).
    /// </summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, IConfigurationSection cluster)
    {
        silo.UseAdoNetClustering(options => options.Invariant = ClusterStorage.PostgresInvariant);
        silo.Services.AddOptions<AdoNetClusteringSiloOptions>().Configure<PostgresConnections>((options, connections) => options.DataSource = connections.DataSource);
        silo.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = cluster.GetValue("ServiceId", ClusterDefaults.ServiceId);
            options.ClusterId = cluster.GetValue("ClusterId", ClusterDefaults.ClusterId);
        });
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = cluster.GetValue("SiloPort", ClusterDefaults.SiloPort);
            options.GatewayPort = cluster.GetValue("GatewayPort", ClusterDefaults.GatewayPort);
            if (cluster["AdvertisedAddress"] is { Length: > 0 } advertised)
            {
                options.AdvertisedIPAddress = IPAddress.Parse(advertised);
            }
        });
        return silo;
    }

    /// <summary>Grain state and history on PostgreSQL, sharing the silo's one pool; the schema exists before any provider reads it.</summary>
    public static ISiloBuilder AddPostgresStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<PostgresConnections>();
        silo.Services.AddSingleton<IHistoryStore, PostgresHistoryStore>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaCreator>();
        silo.AddAdoNetGrainStorage(StorageNames.Monitoring, options => options.Invariant = ClusterStorage.PostgresInvariant);
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Monitoring)
            .Configure<PostgresConnections>((options, connections) => options.DataSource = connections.DataSource);
        return silo;
    }

    /// <summary>Creates the schema at the silo's first stage, before membership or grain storage read their queries.</summary>
    private sealed class SchemaCreator(PostgresConnections connections) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(PostgresClustering), ServiceLifecycleStage.First, cancellationToken => PostgresSchema.CreateAsync(connections.DataSource, cancellationToken));
    }
}
