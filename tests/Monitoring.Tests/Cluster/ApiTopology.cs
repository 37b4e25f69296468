using Microsoft.Data.Sqlite;

namespace Monitoring.Tests.Cluster;

/// <summary>
/// What the HTTP tests need of the topology they run against: the API's address and the SQLite file behind it. Each
/// HTTP test class runs against both topologies: the separate API of a cluster (<see cref="ClusterFixture"/>) and the
/// all-in-one node (<see cref="AllInOneFixture"/>).
/// </summary>
public abstract class ApiTopology : IAsyncLifetime
{
    public abstract string DatabasePath { get; }

    public abstract HttpClient CreateClient();

    /// <summary>
    /// Starts another API of this topology with more settings (tokens, say): a second API process on the cluster, or a
    /// second all-in-one node on its own file. A setting that fails validation throws here.
    /// </summary>
    public abstract ApiTopology StartApi(IReadOnlyDictionary<string, string> settings);

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();

    /// <summary>Runs a scalar query against the topology's SQLite file.</summary>
    public long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Samples stored for the agent, in the head and in compacted blocks.</summary>
    public long HistoryRows(string agentId) => Scalar(
        """
        SELECT (SELECT count(*) FROM history_head JOIN agents USING (agent_no) WHERE agent_id = @id)
            + (SELECT coalesce(sum(samples), 0) FROM history_blocks JOIN agents USING (agent_no) WHERE agent_id = @id)
        """,
        ("@id", agentId));

    /// <summary>Samples stored for every agent.</summary>
    public long StoredSamples() =>
        Scalar("SELECT (SELECT count(*) FROM history_head) + (SELECT coalesce(sum(samples), 0) FROM history_blocks)");

    public long AgentRows(string agentId) => Scalar("SELECT count(*) FROM agents WHERE agent_id = @id", ("@id", agentId));

    protected static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
