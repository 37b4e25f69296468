using Microsoft.Extensions.Time.Testing;
using Monitoring.Silo.Liveness;

namespace Monitoring.Tests.Liveness;

/// <summary>An agent's liveness from its last sample and when its grain began watching, on a fake clock.</summary>
public sealed class LivenessClockTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Agent_is_up_then_late_after_one_and_a_half_intervals_then_down_after_the_missed_intervals()
    {
        var clock = new LivenessClock(_clock.GetUtcNow(), _clock.GetUtcNow().AddHours(-1), IntervalSeconds: 60, MissedIntervalsBeforeDown: 3);

        Assert.Equal("up", clock.Status(At(ms: 90_000)));
        Assert.Equal("late", clock.Status(At(ms: 90_001)));
        Assert.Equal("late", clock.Status(At(ms: 180_000)));
        Assert.False(clock.IsOverdue(At(ms: 180_000)));
        Assert.Equal("down", clock.Status(At(ms: 180_001)));
        Assert.True(clock.IsOverdue(At(ms: 180_001)));
        Assert.Equal(At(ms: 180_001), clock.Deadline);
    }

    [Fact]
    public void Watching_that_began_after_the_last_sample_grants_one_grace_period()
    {
        var lastSample = _clock.GetUtcNow().AddHours(-2);
        var clock = new LivenessClock(lastSample, _clock.GetUtcNow(), IntervalSeconds: 10, MissedIntervalsBeforeDown: 3);

        Assert.Equal(_clock.GetUtcNow(), clock.Baseline);
        Assert.Equal("up", clock.Status(At(ms: 15_000)));
        Assert.Equal("late", clock.Status(At(ms: 30_000)));
        Assert.Equal("down", clock.Status(At(ms: 30_001)));
        Assert.Equal(TimeSpan.FromSeconds(30), clock.DownAfter);
    }

    private DateTimeOffset At(long ms) => _clock.GetUtcNow() + TimeSpan.FromMilliseconds(ms);
}
