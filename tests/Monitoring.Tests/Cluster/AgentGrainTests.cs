using Monitoring.Abstractions;

namespace Monitoring.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class AgentGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Report_makes_the_sample_the_latest()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        var grain = fixture.Grains.GetAgentGrain(agentId);

        await grain.Report(Samples.Sample(agentId, at, cpu: 33.5));

        var latest = await grain.GetLatest();
        Assert.NotNull(latest);
        Assert.Equal(at, latest.Timestamp);
        Assert.Equal(33.5, latest.CpuPercent);
        Assert.Equal(2, latest.Network.Count);
        Assert.Equal("degraded", latest.Network[1].Status);
        Assert.Equal("tcp", latest.Network[0].Kind);
    }

    [Fact]
    public async Task Unknown_agent_has_no_latest_and_no_summary()
    {
        var grain = fixture.Grains.GetAgentGrain(Samples.NewAgentId());

        Assert.Null(await grain.GetLatest());
        Assert.Null(await grain.GetSummary());
    }

    [Fact]
    public async Task Reported_samples_are_committed_to_history_and_queryable_in_order()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(600);
        var grain = fixture.Grains.GetAgentGrain(agentId);

        for (var i = 0; i < 5; i++)
        {
            await grain.Report(Samples.Sample(agentId, start.AddSeconds(i * 10), cpu: i * 10));
        }

        Assert.Equal(5, fixture.HistoryRows(agentId));
        var history = await fixture.Grains.GetGrain<IHistoryGrain>(0).Query(
            new HistoryQuery(agentId, start.AddMinutes(-1), start.AddMinutes(5), null, 100));
        Assert.NotNull(history);
        Assert.Equal([0.0, 10, 20, 30, 40], history.Samples!.Select(s => s.CpuPercent));
        Assert.Equal(start.AddSeconds(40), history.Samples![^1].Timestamp);
        Assert.Equal(5432, history.Samples![0].Network[0].Port);
        Assert.Equal("tcp", history.Samples![0].Network[0].Kind);
    }

    [Fact]
    public async Task History_buckets_aggregate_in_sql()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(3600);
        var grain = fixture.Grains.GetAgentGrain(agentId);
        await grain.ReportBatch([.. Enumerable.Range(0, 6).Select(i => Samples.Sample(agentId, start.AddSeconds(i * 20), cpu: i * 10))]);

        var history = await fixture.Grains.GetGrain<IHistoryGrain>(0).Query(new HistoryQuery(agentId, start, start.AddMinutes(2), 60, 100));

        Assert.NotNull(history);
        Assert.Null(history.Samples);
        Assert.Collection(history.Buckets!,
            first =>
            {
                Assert.Equal(start, first.Start);
                Assert.Equal(3, first.Count);
                Assert.Equal((10.0, 0.0, 20.0), (first.CpuPercent.Avg, first.CpuPercent.Min, first.CpuPercent.Max));
            },
            second =>
            {
                Assert.Equal(start.AddMinutes(1), second.Start);
                Assert.Equal((40.0, 30.0, 50.0), (second.CpuPercent.Avg, second.CpuPercent.Min, second.CpuPercent.Max));
            });
    }

    [Fact]
    public async Task Report_with_same_timestamp_is_stored_once()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        var grain = fixture.Grains.GetAgentGrain(agentId);

        await grain.Report(Samples.Sample(agentId, at));
        await grain.Report(Samples.Sample(agentId, at));
        await grain.ReportBatch([Samples.Sample(agentId, at), Samples.Sample(agentId, at)]);

        Assert.Equal(1, fixture.HistoryRows(agentId));
    }

    [Fact]
    public async Task An_older_backfilled_sample_does_not_replace_the_latest()
    {
        var agentId = Samples.NewAgentId();
        var now = Samples.RecentTime();
        var grain = fixture.Grains.GetAgentGrain(agentId);

        await grain.Report(Samples.Sample(agentId, now, cpu: 50));
        await grain.ReportBatch([Samples.Sample(agentId, now.AddMinutes(-5), cpu: 1), Samples.Sample(agentId, now.AddMinutes(-4), cpu: 2)]);

        Assert.Equal(50, (await grain.GetLatest())!.CpuPercent);
        Assert.Equal(3, fixture.HistoryRows(agentId));
    }

    [Fact]
    public async Task Reactivated_grain_keeps_its_registration_and_latest_sample()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        var grain = fixture.Grains.GetAgentGrain(agentId);
        await grain.Report(Samples.Sample(agentId, at, cpu: 77, name: "db primary"));
        var before = await grain.GetSummary();

        await fixture.DeactivateAllAsync();

        var after = await fixture.Grains.GetAgentGrain(agentId).GetSummary();
        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.Equal("db primary", after.AgentName);
        Assert.Equal(before.FirstSeen, after.FirstSeen);
        Assert.Equal(before.LastSeen, after.LastSeen);
        Assert.Equal(77, after.CpuPercent);
        Assert.Equal(at, (await grain.GetLatest())!.Timestamp);
    }

    [Fact]
    public async Task A_renamed_agent_keeps_its_first_seen_and_the_new_name_survives_reactivation()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime(120);
        var grain = fixture.Grains.GetAgentGrain(agentId);
        await grain.Report(Samples.Sample(agentId, at, name: "old name"));
        var firstSeen = (await grain.GetSummary())!.FirstSeen;

        await grain.Report(Samples.Sample(agentId, at.AddSeconds(60), name: "new name"));
        await fixture.DeactivateAllAsync();

        var summary = await fixture.Grains.GetAgentGrain(agentId).GetSummary();
        Assert.Equal("new name", summary!.AgentName);
        Assert.Equal(firstSeen, summary.FirstSeen);
        Assert.Equal("new name", (await grain.GetLatest())!.AgentName);
    }

    [Fact]
    public async Task Hex_looking_agent_ids_do_not_share_storage()
    {
        var suffix = Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] ids = [$"00{suffix}", suffix, $"cafe{suffix}", $"CAFE{suffix}"];
        var at = Samples.RecentTime();
        foreach (var id in ids)
        {
            // Above the default cpu_high rule: each agent's pending alert is grain state of its own.
            await fixture.Grains.GetAgentGrain(id).Report(Samples.Sample(id, at, cpu: 95, name: $"name of {id}"));
        }

        await fixture.DeactivateAllAsync();

        foreach (var id in ids)
        {
            var summary = await fixture.Grains.GetAgentGrain(id).GetSummary();
            Assert.Equal($"name of {id}", summary!.AgentName);
            Assert.Equal(1, fixture.HistoryRows(id));
            var alert = Assert.Single((await fixture.Grains.GetAgentGrain(id).GetAlerts()).Alerts);
            Assert.Equal((id, $"name of {id}"), (alert.AgentId, alert.AgentName));
        }

        Assert.Equal(ids.Length, fixture.Scalar(
            "SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString IN (@a, @b, @c, @d)",
            ("@a", AgentGrainKeys.ToGrainKey(ids[0])), ("@b", AgentGrainKeys.ToGrainKey(ids[1])),
            ("@c", AgentGrainKeys.ToGrainKey(ids[2])), ("@d", AgentGrainKeys.ToGrainKey(ids[3]))));
    }

    [Fact]
    public async Task Agent_list_shows_every_agent_with_status_and_headline_values()
    {
        var agentId = Samples.NewAgentId();
        await fixture.Grains.GetAgentGrain(agentId).Report(Samples.Sample(agentId, Samples.RecentTime(), cpu: 42));

        var list = await fixture.Grains.GetGrain<IHistoryGrain>(0).ListAgents(null, AgentCursor.MaxLimit);

        var agent = Assert.Single(list.Agents, a => a.AgentId == agentId);
        Assert.Equal("up", agent.Status);
        Assert.Equal(42, agent.CpuPercent);
        Assert.Equal(25, agent.MemoryPercent);
    }
}
