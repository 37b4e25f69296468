using Microsoft.Data.Sqlite;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

public sealed partial class SqliteHistoryStore
{
    /// <summary>
    /// Moves up to <paramref name="maxRows"/> rows of the previous release's <c>history</c> table into the head, in one
    /// transaction (so every sample is in exactly one of the two at any time), and drops the table once it is empty.
    /// Returns how many rows moved; 0 when there is nothing (left) to upgrade.
    /// </summary>
    public override Task<int> UpgradeAsync(int maxRows, CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        if (!HasLegacyTable(connection))
        {
            return Task.FromResult(0);
        }

        var rows = new List<(long AgentNo, RawSample Sample)>();
        long lastRowId = 0;
        using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT {LegacyColumns}, agent_no, rowid FROM history ORDER BY rowid LIMIT @max;";
            select.Parameters.AddWithValue("@max", maxRows);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                lastRowId = reader.GetInt64(13);
                rows.Add((reader.GetInt64(12), LegacySample(reader)));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (rows.Count == 0)
        {
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE IF EXISTS history;";
            drop.ExecuteNonQuery();
            _legacy = false;
            return Task.FromResult(0);
        }

        Catalog.Ensure(connection, rows.SelectMany(r => r.Sample.Values.Keys));
        using var transaction = connection.BeginTransaction();
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO history_head (agent_no, ts, received, sample, network) VALUES (@agent_no, @ts, @ts, @sample, @network)
                ON CONFLICT DO NOTHING;
                """;
            var agentNo = insert.Parameters.Add("@agent_no", SqliteType.Integer);
            var ts = insert.Parameters.Add("@ts", SqliteType.Integer);
            var sample = insert.Parameters.Add("@sample", SqliteType.Blob);
            var network = insert.Parameters.Add("@network", SqliteType.Text);
            foreach (var (agent, row) in rows)
            {
                agentNo.Value = agent;
                ts.Value = row.Timestamp;
                sample.Value = SampleRowCodec.Encode([.. row.Values.Select(v => new KeyValuePair<int, double>(Number(v.Key), v.Value))]);
                network.Value = (object?)row.Network ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }

        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM history WHERE rowid <= @last;";
            delete.Parameters.AddWithValue("@last", lastRowId);
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.FromResult(rows.Count);
    }

    private int Number(string series) =>
        Catalog.TryGetNumber(series, out var number) ? number : throw new InvalidOperationException($"Series '{series}' has no number.");
}
