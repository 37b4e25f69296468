using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitoring.Agent.Checks;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Tests.Sending;

namespace Monitoring.Agent.Tests.Checks;

public sealed class NetworkCheckerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tcp_check_is_up_when_the_port_accepts_a_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var services = Build($"tcp://127.0.0.1:{port}");

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal("up", check.Status);
        Assert.Equal("tcp", check.Kind);
        Assert.Equal("127.0.0.1", check.Host);
        Assert.Equal(port, check.Port);
        Assert.Null(check.Url);
        Assert.Null(check.Error);
        Assert.True(check.LatencyMs >= 0);
    }

    [Fact]
    public async Task Tcp_check_is_down_with_the_reason_when_the_port_is_closed()
    {
        await using var services = Build($"tcp://127.0.0.1:{ClosedPort()}");

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal("down", check.Status);
        Assert.Equal("tcp", check.Kind);
        Assert.Contains("ConnectionRefused", check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "up")]
    [InlineData(HttpStatusCode.InternalServerError, "degraded")]
    [InlineData(HttpStatusCode.NotFound, "degraded")]
    public async Task Http_check_reports_the_answer(HttpStatusCode answer, string status)
    {
        await using var server = LoopbackIngestServer.Start(answer);
        var url = new Uri(server.BaseAddress, "health");
        await using var services = Build(url.ToString());

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal(status, check.Status);
        Assert.Equal("http", check.Kind);
        Assert.Equal(url.ToString(), check.Url);
        Assert.Equal((int)answer, check.StatusCode);
        Assert.Null(check.Host);
        Assert.Equal(status == "up", check.Error is null);
        Assert.Equal("GET", Assert.Single(server.Requests).Method);
    }

    [Fact]
    public async Task Http_check_is_down_without_a_status_code_when_nothing_listens()
    {
        await using var services = Build($"http://127.0.0.1:{ClosedPort()}/health");

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal("down", check.Status);
        Assert.Null(check.StatusCode);
        Assert.Contains("ConnectionRefused", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_that_never_answers_is_down_after_the_check_timeout()
    {
        await using var server = LoopbackIngestServer.StartStalled();
        await using var services = Build(server.BaseAddress.ToString(), checkTimeout: 0.5);

        var elapsed = Stopwatch.StartNew();
        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal("down", check.Status);
        Assert.Contains("CHECK_TIMEOUT", check.Error, StringComparison.Ordinal);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Checks_run_concurrently_so_slow_targets_cost_one_timeout_not_the_sum()
    {
        await using var stalled = LoopbackIngestServer.StartStalled();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var slow = stalled.BaseAddress.ToString();
        await using var services = Build($"{slow}a,tcp://127.0.0.1:{port},{slow}b,{slow}c", checkTimeout: 1);

        var elapsed = Stopwatch.StartNew();
        var checks = await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation);

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2.5), $"took {elapsed.Elapsed}");
        Assert.Equal(["down", "up", "down", "down"], checks.Select(check => check.Status));
        Assert.Equal([$"{slow}a", null, $"{slow}b", $"{slow}c"], checks.Select(check => check.Url));
    }

    [Fact]
    public async Task Icmp_check_of_loopback_is_up_or_names_why_ping_failed()
    {
        await using var services = Build("icmp://127.0.0.1");

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal("icmp", check.Kind);
        Assert.Equal("127.0.0.1", check.Host);
        Assert.Null(check.Port);
        // Where ICMP is not permitted the check must say so rather than report a silent "down".
        Assert.True(
            check is { Status: "up", Error: null } or { Status: "down", Error.Length: > 0 },
            $"status {check.Status}, error {check.Error}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Where_icmp_is_not_permitted_a_tcp_connect_accepted_or_refused_shows_the_host_reachable(bool listening)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        if (!listening)
        {
            listener.Stop();
        }

        await using var services = Build($"icmp://127.0.0.1:{port}", echo: (_, _, _) => throw new PlatformNotSupportedException("no ICMP socket"));

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal(("tcp", "127.0.0.1", port, "up", null), (check.Kind, check.Host, check.Port, check.Status, check.Error));
        Assert.NotNull(check.LatencyMs);
    }

    [Fact]
    public async Task Where_icmp_is_not_permitted_and_the_tcp_fallback_gets_no_answer_the_host_is_down()
    {
        // The kernel refuses a TCP connect to the broadcast address itself: no packet leaves the machine.
        await using var services = Build("icmp://255.255.255.255:9", checkTimeout: 2,
            echo: (_, _, _) => throw new PingException("ping", new UnauthorizedAccessException("raw sockets need CAP_NET_RAW")));

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal(("tcp", 9, "down"), (check.Kind, check.Port, check.Status));
        Assert.False(string.IsNullOrEmpty(check.Error));
    }

    [Fact]
    public async Task A_ping_that_gets_no_reply_is_down_without_a_fallback()
    {
        await using var services = Build("icmp://127.0.0.1:9", echo: (_, _, _) => Task.FromResult(IPStatus.TimedOut));

        var check = Assert.Single(await services.GetRequiredService<NetworkChecker>().CheckAllAsync(Cancellation));

        Assert.Equal(("icmp", null, "down", "ping: TimedOut"), (check.Kind, check.Port, check.Status, check.Error));
    }

    [Fact]
    public async Task The_sample_carries_the_checks_in_the_configured_order()
    {
        using var spool = new TempDirectory();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var services = SenderTestHost.Build(
            new Uri("http://127.0.0.1:1/"),
            spool.Path,
            before: registrations => registrations
                .AddSingleton(Fixture.Sources)
                .AddCollectors(),
            settings: new() { ["Agent:NETWORK_CHECKS"] = $"tcp://127.0.0.1:{ClosedPort()},tcp://127.0.0.1:{port}" });
        var collection = services.GetServices<IHostedService>().OfType<CollectionService>().Single();

        var sample = await collection.CollectAsync(Cancellation);

        Assert.Equal(["down", "up"], sample.Network!.Select(check => check.Status));
        Assert.NotNull(sample.System);
    }

    private static ServiceProvider Build(string networkChecks, double checkTimeout = 5, IcmpEcho? echo = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agent:NETWORK_CHECKS"] = networkChecks,
                ["Agent:CHECK_TIMEOUT"] = checkTimeout.ToString(CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        if (echo is not null)
        {
            services.AddSingleton(echo);
        }

        return services.AddLogging().AddMetrics().AddAgentOptions(configuration).AddCollectors().BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
