using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;
using Monitoring.Tests.Cluster;
using Orleans.TestingHost;

namespace Monitoring.Tests.Storage;

/// <summary>
/// A silo's retention sweep on the cluster's real SQLite file, with the default retention (history 30 days, alert rows
/// 90 days): what is older goes, what is younger stays, and a delivery still pending is never touched.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RetentionTests(ClusterFixture fixture)
{
    private readonly string _agent = Samples.NewAgentId("retention");

    [Fact]
    public async Task A_sweep_deletes_samples_and_alert_rows_past_retention_and_keeps_the_rest()
    {
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset[] stamps = [now.AddDays(-40), now.AddDays(-31), now.AddDays(-29), now.AddMinutes(-1)];
        foreach (var stamp in stamps)
        {
            await fixture.Grains.GetAgentGrain(_agent).Report(Samples.Sample(_agent, stamp));
        }

        var alertId = $"{_agent}~rule~1";
        InsertAlertRows(alertId, now.AddDays(-100), outboxState: "failed");
        InsertAlertRows(alertId + "-kept", now.AddDays(-80), outboxState: "failed");
        InsertAlertRows(alertId + "-pending", now.AddDays(-80), outboxState: "pending", outboxQueuedAt: now.AddDays(-100));

        var sweep = await Sweeper().SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, sweep.Samples);
        var kept = await Store().QueryAsync(new HistoryQuery(_agent, now.AddYears(-1), now.AddYears(1), null, 100), TestContext.Current.CancellationToken);
        Assert.Equal(
            [UnixMicroseconds.From(stamps[2]), UnixMicroseconds.From(stamps[3])],
            kept!.Samples!.Select(s => UnixMicroseconds.From(s.Timestamp)));
        Assert.Equal(1, fixture.Scalar("SELECT count(*) FROM agents WHERE agent_id = @id", ("@id", _agent)));
        foreach (var table in (string[])["alert_history", "notifications", "alerts"])
        {
            Assert.Equal(
                [alertId + "-kept", alertId + "-pending"],
                Read($"SELECT alert_id FROM {table} WHERE alert_id LIKE @id || '%' ORDER BY 1", alertId, row => row.GetString(0)));
        }

        Assert.Equal(
            [alertId + "-kept", alertId + "-pending"],
            Read("SELECT notification_id FROM notification_outbox WHERE notification_id LIKE @id || '%' ORDER BY 1", alertId, row => row.GetString(0)));
        Assert.Equal(4, sweep.AlertRows);
    }

    [Fact]
    public async Task A_second_sweep_finds_nothing_left_to_delete()
    {
        await fixture.Grains.GetAgentGrain(_agent).Report(Samples.Sample(_agent, DateTimeOffset.UtcNow.AddDays(-45)));
        var sweeper = Sweeper();
        await sweeper.SweepAsync(TestContext.Current.CancellationToken);

        var again = await sweeper.SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new RetentionSweep(0, 0), again);
        Assert.Equal(0, fixture.HistoryRows(_agent));
    }

    private IHistoryStore Store() =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<IHistoryStore>();

    private RetentionSweeper Sweeper() =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<RetentionSweeper>();

    /// <summary>A resolved alert's row in each alert table, dated <paramref name="at"/>; its delivery queued at <paramref name="outboxQueuedAt"/>.</summary>
    private void InsertAlertRows(string alertId, DateTimeOffset at, string outboxState, DateTimeOffset? outboxQueuedAt = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO alert_history (at, alert_id, agent_id, rule_id, from_state, to_state, event)
                VALUES (@at, @id, @agent, 'rule', 'firing', 'resolved', @event);
            INSERT INTO notifications (at, alert_id, attempt) VALUES (@at, @id, '{}');
            INSERT INTO alerts (alert_id, agent_id, state, at, event) VALUES (@id, @agent, 'resolved', @at, @event);
            INSERT INTO notification_outbox (notification_id, receiver, owner, state, queued_at, status, repeat, alertmanager_only, at, alert)
                VALUES (@id, 'nowhere', @owner, @state, @queued_at, 'resolved', 0, 0, @at, '{}');
            """;
        command.Parameters.AddWithValue("@at", UnixMicroseconds.From(at));
        command.Parameters.AddWithValue("@id", alertId);
        command.Parameters.AddWithValue("@agent", _agent);
        command.Parameters.AddWithValue("@state", outboxState);
        // A real event: the cluster is shared, and other tests read every alert while this one's rows are there.
        command.Parameters.AddWithValue("@event", JsonSerializer.Serialize(
            new AlertEvent
            {
                AlertId = alertId, RuleId = "rule", RuleName = "rule", AgentId = _agent, AgentName = _agent, Series = "cpu_percent",
                From = "firing", To = "resolved", Severity = "warning", Summary = "retention test", At = at,
            },
            MonitoringJsonContext.Default.AlertEvent));
        // Owned by a live silo, so no silo adopts (and sends) the pending one while the test runs.
        command.Parameters.AddWithValue("@owner", fixture.Cluster.Primary!.SiloAddress.ToParsableString());
        command.Parameters.AddWithValue("@queued_at", UnixMicroseconds.From(outboxQueuedAt ?? at));
        command.ExecuteNonQuery();
    }

    private List<T> Read<T>(string sql, string id, Func<SqliteDataReader, T> value)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@id", id);
        using var rows = command.ExecuteReader();
        var values = new List<T>();
        while (rows.Read())
        {
            values.Add(value(rows));
        }

        return values;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        connection.Open();
        using var timeout = connection.CreateCommand();
        timeout.CommandText = "PRAGMA busy_timeout = 5000;";
        timeout.ExecuteNonQuery();
        return connection;
    }
}
