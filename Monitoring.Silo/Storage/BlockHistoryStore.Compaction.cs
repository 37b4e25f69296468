using System.Data.Common;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

public abstract partial class BlockHistoryStore
{
    /// <summary>Most samples in one block: an agent reporting faster than every second still gets bounded blocks.</summary>
    public const int MaxBlockSamples = 4096;

    /// <summary>
    /// Compacts up to <paramref name="maxHours"/> agent-hours of head rows that end at or before <paramref name="before"/>
    /// and that received no sample after it (an hour still being back-filled is merged once, when it goes quiet, or once it
    /// holds a full block), each in one transaction: the hour's head rows and blocks are merged (a timestamp already in a block is kept once),
    /// written again as blocks, its rollup buckets replaced, and its head rows deleted. Returns how many hours it compacted.
    /// </summary>
    public async Task<int> CompactAsync(DateTimeOffset before, int maxHours, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        var due = new List<(long AgentNo, long Hour)>();
        await using (var find = connection.CreateCommand())
        {
            find.CommandText = $"""
                SELECT agent_no, ts - ((ts % {Rollups.Hour}) + {Rollups.Hour}) % {Rollups.Hour} AS hour
                FROM history_head WHERE ts < @before GROUP BY agent_no, hour
                HAVING max(received) < @quiet OR count(*) >= {MaxBlockSamples} LIMIT @max;
                """;
            find.Add("@before", Rollups.Floor(UnixMicroseconds.From(before), Rollups.Hour));
            find.Add("@quiet", UnixMicroseconds.From(before));
            find.Add("@max", maxHours);
            await using var rows = await find.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                due.Add((rows.GetInt64(0), rows.GetInt64(1)));
            }
        }

        foreach (var (agentNo, hour) in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CompactHour(connection, agentNo, hour);
        }

        return due.Count;
    }

    private void CompactHour(DbConnection connection, long agentNo, long hour)
    {
        using var transaction = connection.BeginTransaction();
        var samples = new SortedDictionary<long, (Dictionary<int, double> Values, string? Network)>();
        using (var blocks = Command(connection, transaction, """
            SELECT block FROM history_blocks WHERE agent_no = @agent_no AND first_ts >= @hour AND first_ts < @end ORDER BY first_ts;
            """, agentNo, hour))
        using (var rows = blocks.ExecuteReader())
        {
            while (rows.Read())
            {
                var block = SeriesBlockCodec.Decode((byte[])rows.GetValue(0));
                for (var i = 0; i < block.Timestamps.Length; i++)
                {
                    samples[block.Timestamps[i]] = (RowOf(block, i), block.Texts?[i]);
                }
            }
        }

        var fromBlocks = samples.Count;
        var headRows = 0;
        using (var head = Command(connection, transaction, """
            SELECT ts, sample, network FROM history_head WHERE agent_no = @agent_no AND ts >= @hour AND ts < @end;
            """, agentNo, hour))
        using (var rows = head.ExecuteReader())
        {
            while (rows.Read())
            {
                headRows++;
                var values = new Dictionary<int, double>();
                foreach (var (series, value) in SampleRowCodec.Decode((byte[])rows.GetValue(1)))
                {
                    values[series] = value;
                }

                samples.TryAdd(rows.GetInt64(0), (values, rows.IsDBNull(2) ? null : rows.GetString(2)));
            }
        }

        if (headRows == 0)
        {
            // Another pass compacted this hour, or retention took its rows: its blocks and rollups stand.
            return;
        }

        using (var delete = Command(connection, transaction, """
            DELETE FROM history_head WHERE agent_no = @agent_no AND ts >= @hour AND ts < @end;
            """, agentNo, hour))
        {
            delete.ExecuteNonQuery();
        }

        if (samples.Count == fromBlocks)
        {
            // Every new row repeated a sample the blocks hold already.
            transaction.Commit();
            return;
        }

        var merged = ToBlock(samples);
        using (var delete = Command(connection, transaction, """
            DELETE FROM history_blocks WHERE agent_no = @agent_no AND first_ts >= @hour AND first_ts < @end;
            """, agentNo, hour))
        {
            delete.ExecuteNonQuery();
        }

        using (var insert = Command(connection, transaction, """
            INSERT INTO history_blocks (agent_no, first_ts, last_ts, samples, block) VALUES (@agent_no, @first, @last, @samples, @block);
            """, agentNo, hour))
        {
            for (var start = 0; start < merged.Timestamps.Length; start += MaxBlockSamples)
            {
                var end = Math.Min(start + MaxBlockSamples, merged.Timestamps.Length);
                var slice = Slice(merged, start, end);
                insert.Add("@first", slice.Timestamps[0]);
                insert.Add("@last", slice.Timestamps[^1]);
                insert.Add("@samples", slice.Timestamps.Length);
                insert.Add("@block", SeriesBlockCodec.Encode(slice.Timestamps, slice.Columns, slice.Texts));
                insert.ExecuteNonQuery();
                insert.Parameters.RemoveAt("@first");
                insert.Parameters.RemoveAt("@last");
                insert.Parameters.RemoveAt("@samples");
                insert.Parameters.RemoveAt("@block");
            }
        }

        // With the hour's blocks at hand its hourly bucket is computed again from every sample; without them (past raw
        // retention) the new samples' aggregates join what the tier holds.
        var hourly = Rollups.Aggregate(merged, Rollups.Hour);
        UpdateRollup(connection, transaction, agentNo, Rollups.Hour, hour, stored => fromBlocks > 0 ? Rollups.Replace(stored, hour, hourly) : Rollups.Combine(stored, hourly));
        transaction.Commit();
    }

    /// <summary>Rewrites the tier's day block that holds <paramref name="hour"/> (an empty one when it has none yet).</summary>
    private static void UpdateRollup(DbConnection connection, DbTransaction transaction, long agentNo, long tier, long hour, Func<byte[], byte[]> update)
    {
        var day = Rollups.Floor(hour, Rollups.Day);
        byte[] stored = [];
        using (var read = Command(connection, transaction, "SELECT block FROM history_rollups WHERE agent_no = @agent_no AND tier = @tier AND day = @day;", agentNo, hour))
        {
            read.Add("@tier", tier);
            read.Add("@day", day);
            if (read.ExecuteScalar() is byte[] existing)
            {
                stored = existing;
            }
        }

        using var write = Command(connection, transaction, """
            INSERT INTO history_rollups (agent_no, tier, day, block) VALUES (@agent_no, @tier, @day, @block)
            ON CONFLICT (agent_no, tier, day) DO UPDATE SET block = excluded.block;
            """, agentNo, hour);
        write.Add("@tier", tier);
        write.Add("@day", day);
        write.Add("@block", update(stored));
        write.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, long agentNo, long hour)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Add("@agent_no", agentNo);
        command.Add("@hour", hour);
        command.Add("@end", hour + Rollups.Hour);
        return command;
    }

    /// <summary>The values of sample <paramref name="index"/> of a block, by series number.</summary>
    private static Dictionary<int, double> RowOf(SeriesBlock block, int index)
    {
        var values = new Dictionary<int, double>(block.Columns.Count);
        foreach (var column in block.Columns)
        {
            if (column.Present is null || column.Present[index])
            {
                values[column.SeriesId] = column.Values[index];
            }
        }

        return values;
    }

    /// <summary>Samples by timestamp as one block: a column per series, absent where a sample lacks it.</summary>
    private static SeriesBlock ToBlock(SortedDictionary<long, (Dictionary<int, double> Values, string? Network)> samples)
    {
        var timestamps = samples.Keys.ToArray();
        var columns = new Dictionary<int, (double[] Values, bool[] Present)>();
        var texts = new string?[timestamps.Length];
        var i = 0;
        foreach (var (values, network) in samples.Values)
        {
            foreach (var (series, value) in values)
            {
                if (!columns.TryGetValue(series, out var column))
                {
                    columns[series] = column = (new double[timestamps.Length], new bool[timestamps.Length]);
                }

                column.Values[i] = value;
                column.Present[i] = true;
            }

            texts[i++] = network;
        }

        return new SeriesBlock(
            timestamps,
            [.. columns.OrderBy(c => c.Key).Select(c => new SeriesColumn(c.Key, c.Value.Values, Array.TrueForAll(c.Value.Present, p => p) ? null : c.Value.Present))],
            texts.Any(t => t is not null) ? texts : null);
    }

    private static SeriesBlock Slice(SeriesBlock block, int start, int end) =>
        start == 0 && end == block.Timestamps.Length
            ? block
            : new SeriesBlock(
                block.Timestamps[start..end],
                [.. block.Columns
                    .Where(c => c.Present is null || Array.IndexOf(c.Present, true, start, end - start) >= 0)
                    .Select(c => new SeriesColumn(c.SeriesId, c.Values[start..end], c.Present?[start..end] is { } p && !Array.TrueForAll(p, x => x) ? p : null))],
                block.Texts?[start..end]);
}
