using Monitoring.Agent.Sending;

namespace Monitoring.Agent.Tests.Sending;

public sealed class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(20, 60)]
    [InlineData(5000, 60)]
    public void Delay_ceiling_doubles_each_attempt_up_to_the_cap(int attempt, double ceilingSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds), Backoff.Ceiling(attempt, Base, Cap));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(40)]
    public void Full_jitter_spreads_delays_over_the_whole_range_below_the_ceiling(int attempt)
    {
        var random = new Random(1234);
        var ceiling = Backoff.Ceiling(attempt, Base, Cap);

        var delays = Enumerable.Range(0, 2000).Select(_ => Backoff.FullJitter(attempt, Base, Cap, random)).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, ceiling));
        Assert.True(delays.Min() < ceiling * 0.02, "full jitter reaches down to zero");
        Assert.True(delays.Max() > ceiling * 0.98, "full jitter reaches up to the ceiling");
        Assert.InRange(delays.Average(d => d.TotalSeconds), ceiling.TotalSeconds * 0.45, ceiling.TotalSeconds * 0.55);
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var first = Enumerable.Range(0, 10).Select(attempt => Backoff.FullJitter(attempt, Base, Cap, new Random(7))).ToList();
        var second = Enumerable.Range(0, 10).Select(attempt => Backoff.FullJitter(attempt, Base, Cap, new Random(7))).ToList();

        Assert.Equal(first, second);
    }
}
