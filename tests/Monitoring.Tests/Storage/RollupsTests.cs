using Monitoring.Silo.Storage;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Tests.Storage;

/// <summary>The rollup tiers' pure parts: bucket boundaries, aggregates, and the day blocks they are stored in.</summary>
public sealed class RollupsTests
{
    private const long Minute = 60_000_000;
    private static readonly long Day0 = Rollups.Floor(1_764_000_000_000_000, Rollups.Day);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(299_999_999, 0)]
    [InlineData(300_000_000, 300_000_000)]
    [InlineData(-1, -300_000_000)]
    [InlineData(-300_000_000, -300_000_000)]
    public void Floor_starts_every_bucket_on_its_grid_also_before_1970(long timestamp, long start) =>
        Assert.Equal(start, Rollups.Floor(timestamp, Rollups.FiveMinutes));

    [Fact]
    public void Aggregates_split_samples_at_bucket_boundaries_with_exact_extremes()
    {
        long[] timestamps = [Day0, Day0 + (4 * Minute), Day0 + (5 * Minute), Day0 + (59 * Minute) + 59_999_999];
        var block = new SeriesBlock(timestamps, [new SeriesColumn(7, [1.5, -2.25, 10, 4], [true, true, true, false])], null);

        var buckets = Rollups.Aggregate(block, Rollups.FiveMinutes);

        Assert.Equal([Day0, Day0 + (5 * Minute), Day0 + (55 * Minute)], buckets.Keys);
        Assert.Equal(new SeriesStats(2, -2.25, 1.5, -0.75, 1.5, -2.25), buckets[Day0][7]);
        Assert.Equal(new SeriesStats(1, 10, 10, 10, 10, 10), buckets[Day0 + (5 * Minute)][7]);
        Assert.Empty(buckets[Day0 + (55 * Minute)]);
    }

    [Fact]
    public void A_day_block_round_trips_its_buckets_with_series_absent_from_some()
    {
        var buckets = new SortedDictionary<long, Dictionary<int, SeriesStats>>
        {
            [Day0] = new() { [1] = new SeriesStats(5, 0.1, 99.9, 250.5, 3, 4), [2] = new SeriesStats(5, 1e12, 1.5e12, 6e12, 1e12, 1.2e12) },
            [Day0 + Rollups.Hour] = new() { [1] = new SeriesStats(1, 7, 7, 7, 7, 7) },
        };

        var read = Rollups.Read(Rollups.Write(buckets));

        Assert.Equal(buckets.Keys, read.Keys);
        Assert.Equal(buckets[Day0], read[Day0]);
        Assert.Equal(buckets[Day0 + Rollups.Hour], read[Day0 + Rollups.Hour]);
    }

    [Fact]
    public void Replacing_an_hour_twice_leaves_the_same_day_and_other_hours_untouched()
    {
        var day = Rollups.Write(new SortedDictionary<long, Dictionary<int, SeriesStats>>
        {
            [Day0] = new() { [1] = new SeriesStats(1, 1, 1, 1, 1, 1) },
            [Day0 + Rollups.Hour] = new() { [1] = new SeriesStats(1, 2, 2, 2, 2, 2) },
        });
        var hour = new SortedDictionary<long, Dictionary<int, SeriesStats>> { [Day0 + Rollups.Hour] = new() { [1] = new SeriesStats(2, 2, 3, 5, 2, 3) } };

        var once = Rollups.Replace(day, Day0 + Rollups.Hour, hour);
        var twice = Rollups.Replace(once, Day0 + Rollups.Hour, hour);

        Assert.Equal(once, twice);
        var read = Rollups.Read(twice);
        Assert.Equal(new SeriesStats(1, 1, 1, 1, 1, 1), read[Day0][1]);
        Assert.Equal(new SeriesStats(2, 2, 3, 5, 2, 3), read[Day0 + Rollups.Hour][1]);
    }

    [Fact]
    public void Combining_adds_new_aggregates_to_the_buckets_a_day_holds()
    {
        var day = Rollups.Write(new SortedDictionary<long, Dictionary<int, SeriesStats>> { [Day0] = new() { [1] = new SeriesStats(2, 1, 4, 5, 1, 4) } });

        var read = Rollups.Read(Rollups.Combine(day, new SortedDictionary<long, Dictionary<int, SeriesStats>> { [Day0] = new() { [1] = new SeriesStats(1, 9, 9, 9, 9, 9) } }));

        Assert.Equal(new SeriesStats(3, 1, 9, 14, 1, 9), read[Day0][1]);
    }
}
