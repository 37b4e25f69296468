using Monitoring.Agent.Sending;

namespace Monitoring.Agent.Tests.Sending;

public sealed class ClockOffsetTests
{
    private static readonly DateTimeOffset SentAt = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unknown_until_the_first_answer()
    {
        Assert.Null(new ClockOffset().Milliseconds);
    }

    [Fact]
    public void The_date_header_is_taken_at_the_middle_of_the_round_trip_plus_half_its_resolution()
    {
        var clock = new ClockOffset();

        // Server 10 s ahead; the request took 400 ms, so the server stamped its Date 200 ms after sending.
        clock.Observe(SentAt.AddSeconds(10), SentAt, SentAt.AddMilliseconds(400));

        Assert.Equal(10_000 - 200 + 500, clock.Milliseconds);
    }

    [Fact]
    public void Later_answers_move_the_estimate_smoothly_toward_them()
    {
        var clock = new ClockOffset();
        clock.Observe(SentAt, SentAt, SentAt);

        clock.Observe(SentAt.AddSeconds(11), SentAt.AddSeconds(1), SentAt.AddSeconds(1));

        Assert.Equal(500 + (ClockOffset.Smoothing * 10_000), clock.Milliseconds!.Value, precision: 6);
    }

    [Fact]
    public void Answers_spread_over_a_second_average_out_the_headers_truncation()
    {
        var clock = new ClockOffset();
        var skew = TimeSpan.FromSeconds(-3);
        for (var i = 0; i < 200; i++)
        {
            var sentAt = SentAt.AddSeconds(i).AddMilliseconds(i * 37 % 1000);
            var serverNow = sentAt + skew;
            var truncated = new DateTimeOffset(serverNow.Ticks - (serverNow.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            clock.Observe(truncated, sentAt, sentAt);
        }

        Assert.InRange(clock.Milliseconds!.Value, -3_000 - 250, -3_000 + 250);
    }
}
