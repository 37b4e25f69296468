using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class BoundedPartTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();

    [Fact]
    public async Task A_read_past_its_time_limit_is_left_out_and_not_started_again_while_it_hangs()
    {
        var part = new BoundedPart("sensors", "SENSORS_TIMEOUT", Limit, _time, _logger);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reads = 0;
        string? Read()
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                started.Set();
                release.Wait(TestContext.Current.CancellationToken);
            }

            return "value";
        }

        var hanging = part.ReadAsync(Read, TestContext.Current.CancellationToken);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "The read never started.");
        _time.Advance(Limit - TimeSpan.FromTicks(1));
        Assert.False(hanging.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await hanging);
        Assert.Null(await part.ReadAsync(Read, TestContext.Current.CancellationToken));
        Assert.Equal(1, reads);

        release.Set();
        string? value = null;
        await Eventually.TrueAsync(() => value is not null, "the part is read again once the hanging read returned", () =>
            value = part.ReadAsync(Read, TestContext.Current.CancellationToken).Result);

        Assert.Equal("value", value);
        Assert.Equal(
            [
                "Warning: Reading sensors took longer than 00:00:02 (SENSORS_TIMEOUT); samples leave it out until a read finishes in time",
                "Information: sensors can be read again and is back in the samples",
            ],
            Logged(LogLevel.Information));
    }

    [Fact]
    public async Task A_failing_read_is_logged_when_it_starts_failing_and_when_it_works_again_not_with_every_sample()
    {
        var part = new BoundedPart("top processes", "PROCESSES_TIMEOUT", Limit, _time, _logger);
        var failing = true;
        string? Read() => failing ? throw new DirectoryNotFoundException("no /proc") : "table";

        for (var sample = 0; sample < 3; sample++)
        {
            Assert.Null(await part.ReadAsync(Read, TestContext.Current.CancellationToken));
        }

        failing = false;
        Assert.Equal("table", await part.ReadAsync(Read, TestContext.Current.CancellationToken));
        failing = true;
        Assert.Null(await part.ReadAsync(Read, TestContext.Current.CancellationToken));

        Assert.Equal(
            [
                "Warning: Could not read top processes (no /proc); samples leave it out until it can be read again",
                "Information: top processes can be read again and is back in the samples",
                "Warning: Could not read top processes (no /proc); samples leave it out until it can be read again",
            ],
            Logged(LogLevel.Information));
    }

    private string[] Logged(LogLevel atLeast) =>
        [.. _logger.Collector.GetSnapshot().Where(record => record.Level >= atLeast).Select(record => $"{record.Level}: {record.Message}")];
}
