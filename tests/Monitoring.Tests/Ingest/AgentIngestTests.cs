using Microsoft.Extensions.Time.Testing;
using Monitoring.Silo.Ingest;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Ingest;

/// <summary>
/// An agent's ingest bookkeeping without a grain: what a batch appends, and how memory moves once it is durable, on a
/// fake clock.
/// </summary>
public sealed class AgentIngestTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AgentIngest _ingest = new(Agent);

    private const string Agent = "web-01";

    [Fact]
    public void First_batch_registers_the_agent_and_carries_its_registry_row_on_the_newest_sample()
    {
        var now = _clock.GetUtcNow();
        var older = Samples.Sample(Agent, now.AddMinutes(-2), cpu: 10);
        var newest = Samples.Sample(Agent, now.AddMinutes(-1), cpu: 20, name: "web server");

        var batch = _ingest.Prepare([newest, older], now);

        Assert.True(batch.RegistrationChanged);
        Assert.Equal("web server", batch.AgentName);
        Assert.Equal(2, batch.Records.Count);
        Assert.Same(newest, batch.Newest.Sample);
        Assert.Equal((20.0, now), (batch.Newest.Registry!.CpuPercent, batch.Newest.Registry.LastSeen));
        Assert.Null(batch.Records.Single(r => ReferenceEquals(r.Sample, older)).Registry);
        Assert.All(batch.Records, r => Assert.Equal((Agent, now), (r.AgentId, r.ReceivedAt)));
    }

    [Fact]
    public void Nothing_moves_until_the_batch_is_applied()
    {
        var now = _clock.GetUtcNow();
        var sample = Samples.Sample(Agent, now);

        _ingest.Prepare([sample], now);

        Assert.False(_ingest.IsRegistered);
        Assert.Null(_ingest.Latest);
        Assert.Equal(default, _ingest.LastSeen);
        Assert.True(_ingest.Prepare([sample], now).RegistrationChanged);
    }

    [Fact]
    public void Registry_row_is_refreshed_at_most_every_five_seconds_unless_the_name_changes()
    {
        Accept(Samples.Sample(Agent, _clock.GetUtcNow(), name: "web"));

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        var quiet = _ingest.Prepare([Samples.Sample(Agent, _clock.GetUtcNow(), name: "web")], _clock.GetUtcNow());
        var renamed = _ingest.Prepare([Samples.Sample(Agent, _clock.GetUtcNow(), name: "web-renamed")], _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var due = _ingest.Prepare([Samples.Sample(Agent, _clock.GetUtcNow(), name: "web")], _clock.GetUtcNow());

        Assert.Null(quiet.Newest.Registry);
        Assert.False(quiet.RegistrationChanged);
        Assert.True(renamed.RegistrationChanged);
        Assert.Equal("web-renamed", renamed.Newest.Registry!.AgentName);
        Assert.NotNull(due.Newest.Registry);
    }

    [Fact]
    public void Backfilled_older_sample_updates_last_seen_but_keeps_the_newest_sample()
    {
        var newest = Samples.Sample(Agent, _clock.GetUtcNow(), cpu: 50);
        Assert.True(Accept(newest));

        _clock.Advance(TimeSpan.FromSeconds(30));
        var backfilled = Samples.Sample(Agent, newest.Timestamp!.Value.AddMinutes(-10), cpu: 5) with { IntervalSeconds = 10 };

        Assert.False(Accept(backfilled));
        Assert.Equal(_clock.GetUtcNow(), _ingest.LastSeen);
        Assert.Equal(50, _ingest.Latest!.CpuPercent);
        Assert.Equal(60, _ingest.IntervalSeconds);
    }

    [Fact]
    public void Newest_sample_sets_the_interval_and_a_blank_name_falls_back_to_the_agent_id()
    {
        var sample = Samples.Sample(Agent, _clock.GetUtcNow()) with { AgentName = " ", IntervalSeconds = 15 };

        Assert.True(Accept(sample));

        Assert.Equal(15, _ingest.IntervalSeconds);
        Assert.Equal(Agent, _ingest.Latest!.AgentName);
        Assert.Equal(sample.Timestamp, _ingest.Latest.Timestamp);
    }

    [Fact]
    public void Restored_registration_keeps_its_first_sight_and_grace_and_a_new_name_moves_it_on()
    {
        var firstSeen = _clock.GetUtcNow().AddDays(-3);
        _ingest.Restore(new StoredAgent("web", firstSeen, _clock.GetUtcNow().AddHours(-1), 10, _clock.GetUtcNow(), Latest: null));

        Assert.Equal(("web", 10.0, _clock.GetUtcNow()), (_ingest.AgentName, _ingest.IntervalSeconds, _ingest.WatchedSince));
        Assert.Equal(_ingest.LastSeen, _ingest.PublishedLastSeen);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Accept(Samples.Sample(Agent, _clock.GetUtcNow(), name: "web-02")));

        Assert.Equal(("web-02", firstSeen), (_ingest.AgentName, _ingest.FirstSeen));
        Assert.Equal(_clock.GetUtcNow(), _ingest.PublishedLastSeen);
    }

    private bool Accept(Contracts.MetricsReport sample)
    {
        var batch = _ingest.Prepare([sample], _clock.GetUtcNow());
        return _ingest.Apply(batch, _clock.GetUtcNow());
    }
}
