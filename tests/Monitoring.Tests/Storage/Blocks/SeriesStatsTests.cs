using FsCheck;
using FsCheck.Fluent;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Tests.Storage.Blocks;

public sealed class SeriesStatsTests
{
    private static readonly Gen<SeriesColumn> Columns =
        from count in Gen.Choose(0, 200)
        from values in BlockGenerators.Values(count, BlockGenerators.ModestValue)
        from present in BlockGenerators.Presence(count)
        select new SeriesColumn(1, values, present);

    [Fact]
    public void Of_gives_the_count_exact_min_and_max_the_sum_and_the_first_and_last_present_values()
    {
        Prop.ForAll(Columns.ToArbitrary(), column =>
        {
            var present = column.Values.Where((_, i) => column.IsPresent(i)).ToArray();
            double sum = 0;
            foreach (double value in present)
            {
                sum += value;
            }

            var stats = SeriesStats.Of(column);

            Assert.Equal(present.Length, stats.Count);
            if (present.Length > 0)
            {
                Assert.Equal(present.Min(), stats.Min);
                Assert.Equal(present.Max(), stats.Max);
                Assert.Equal(sum, stats.Sum, Math.Max(1e-300, present.Sum(Math.Abs) * 1e-12));
                Assert.Equal(present[0], stats.First);
                Assert.Equal(present[^1], stats.Last);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void The_sum_of_short_decimals_is_their_exact_decimal_sum_rounded_once()
    {
        var column = new SeriesColumn(1, [0.1, 0.2, 0.3, 12.34, 5], null);

        Assert.Equal(17.94, SeriesStats.Of(column).Sum);
        Assert.NotEqual(17.94, 0.1 + 0.2 + 0.3 + 12.34 + 5);
    }

    [Fact]
    public void Merging_the_stats_of_consecutive_ranges_equals_the_stats_of_the_whole()
    {
        var columnsAndCuts =
            from column in Columns
            from cuts in Gen.ListOf(Gen.Choose(0, column.Values.Length))
            select (Column: column, Cuts: cuts.Order().ToList());

        Prop.ForAll(columnsAndCuts.ToArbitrary(), input =>
        {
            var column = input.Column;
            var bounds = input.Cuts.Prepend(0).Append(column.Values.Length).ToList();
            var merged = default(SeriesStats);
            for (int i = 1; i < bounds.Count; i++)
            {
                merged = merged.Merge(SeriesStats.Of(column, bounds[i - 1], bounds[i]));
            }

            var whole = SeriesStats.Of(column);

            Assert.Equal(whole.Count, merged.Count);
            Assert.Equal(BitConverter.DoubleToInt64Bits(whole.Min), BitConverter.DoubleToInt64Bits(merged.Min));
            Assert.Equal(BitConverter.DoubleToInt64Bits(whole.Max), BitConverter.DoubleToInt64Bits(merged.Max));
            Assert.Equal(BitConverter.DoubleToInt64Bits(whole.First), BitConverter.DoubleToInt64Bits(merged.First));
            Assert.Equal(BitConverter.DoubleToInt64Bits(whole.Last), BitConverter.DoubleToInt64Bits(merged.Last));
            // Adding partial sums rounds differently from adding in order; relative to the magnitudes summed it stays tiny.
            double magnitude = column.Values.Where((_, i) => column.IsPresent(i)).Sum(Math.Abs);
            Assert.True(Math.Abs(whole.Sum - merged.Sum) <= 1e-12 * magnitude, $"{whole.Sum} vs {merged.Sum}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Stats_of_no_samples_are_the_identity_of_merge()
    {
        var column = new SeriesColumn(1, [4, 5, 6], [false, true, true]);
        var stats = SeriesStats.Of(column);

        Assert.Equal(0, SeriesStats.Of(column, 0, 1).Count);
        Assert.Equal(stats, default(SeriesStats).Merge(stats));
        Assert.Equal(stats, stats.Merge(SeriesStats.Of(column, 3)));
        Assert.Equal(new SeriesStats(2, 5, 6, 11, 5, 6), stats);
    }
}
