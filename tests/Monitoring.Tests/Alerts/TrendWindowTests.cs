using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>The forecast's least-squares line over bucketed running sums: exact on lines, silent on too little, forgetting what left the window.</summary>
public sealed class TrendWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_line_is_fitted_exactly_and_meets_its_threshold_at_the_exact_time()
    {
        var trend = new TrendWindow(TimeSpan.FromHours(6));
        for (var minute = 0; minute <= 120; minute += 5)
        {
            trend.Add(T0.AddMinutes(minute), 50 + 2.0 * minute / 60);
        }

        var now = T0.AddMinutes(120);
        var line = Assert.NotNull(trend.Fit(now));

        Assert.Equal(54, line.Value, 9);
        Assert.Equal(2.0 / 3600, line.SlopePerSecond, 12);
        Assert.Equal(54 + 48, line.At(now.AddHours(24)), 9);
        Assert.Equal(T0.AddHours(25), line.Crossing(100)!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Noise_around_a_line_leaves_its_slope()
    {
        var trend = new TrendWindow(TimeSpan.FromHours(6));
        for (var minute = 0; minute <= 300; minute++)
        {
            trend.Add(T0.AddMinutes(minute), 40 + minute / 60.0 + (minute % 2 == 0 ? 0.5 : -0.5));
        }

        var line = Assert.NotNull(trend.Fit(T0.AddMinutes(300)));

        Assert.Equal(1.0 / 3600, line.SlopePerSecond, 8);
        Assert.Equal(45, line.Value, 1);
    }

    [Fact]
    public void Fewer_than_five_points_give_no_line()
    {
        var trend = new TrendWindow(TimeSpan.FromHours(6));
        for (var hour = 0; hour < TrendWindow.MinPoints - 1; hour++)
        {
            trend.Add(T0.AddHours(hour), 10 * hour);
        }

        Assert.Null(trend.Fit(T0.AddHours(TrendWindow.MinPoints - 2)));
    }

    [Fact]
    public void Points_spanning_less_than_a_quarter_of_the_window_give_no_line_until_they_do()
    {
        var trend = new TrendWindow(TimeSpan.FromHours(6));
        for (var minute = 0; minute < 90; minute += 5)
        {
            trend.Add(T0.AddMinutes(minute), minute);
        }

        Assert.Null(trend.Fit(T0.AddMinutes(85)));

        trend.Add(T0.AddMinutes(90), 90);

        Assert.NotNull(trend.Fit(T0.AddMinutes(90)));
    }

    [Fact]
    public void Samples_older_than_the_window_roll_out_of_their_buckets()
    {
        var trend = new TrendWindow(TimeSpan.FromHours(1));
        for (var minute = 0; minute < 60; minute++)
        {
            trend.Add(T0.AddMinutes(minute), 10 * minute);
        }

        for (var minute = 60; minute <= 130; minute++)
        {
            trend.Add(T0.AddMinutes(minute), 42);
        }

        var line = Assert.NotNull(trend.Fit(T0.AddMinutes(130)));

        Assert.Equal(0, line.SlopePerSecond, 12);
        Assert.Equal(42, line.Value, 9);
        Assert.Null(line.Crossing(100));
    }

    [Fact]
    public void A_repeated_or_older_sample_is_not_counted_twice()
    {
        var once = new TrendWindow(TimeSpan.FromHours(1));
        var twice = new TrendWindow(TimeSpan.FromHours(1));
        for (var minute = 0; minute <= 30; minute++)
        {
            once.Add(T0.AddMinutes(minute), minute * minute);
            twice.Add(T0.AddMinutes(minute), minute * minute);
            twice.Add(T0.AddMinutes(minute), 1000);
            twice.Add(T0.AddMinutes(minute - 1), -1000);
        }

        Assert.Equal(once.Fit(T0.AddMinutes(30)), twice.Fit(T0.AddMinutes(30)));
    }
}
