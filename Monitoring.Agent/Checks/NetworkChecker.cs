using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Checks;

/// <summary>Sends one ICMP echo request; a service so that the TCP fallback can be tested on a machine that may ping.</summary>
internal delegate Task<IPStatus> IcmpEcho(string host, TimeSpan timeout, CancellationToken cancellationToken);

/// <summary>Checks every configured target concurrently, each bounded by <c>CHECK_TIMEOUT</c>; results keep the configured order.</summary>
internal sealed class NetworkChecker(
    IHttpClientFactory httpClients,
    IcmpEcho echo,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<NetworkChecker> logger)
{
    public const string HttpClientName = "network-checks";

    /// <summary>The server accepts error texts up to this length.</summary>
    public const int MaxErrorLength = 1024;

    /// <summary>Where ICMP is not permitted, <c>icmp://host</c> is reached by a TCP connect to this port unless it names one.</summary>
    public const int IcmpFallbackPort = 80;

    private readonly IReadOnlyList<NetworkTarget> _targets = options.Value.ParseNetworkTargets();
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.CheckTimeout);

    public async Task<IReadOnlyList<NetworkCheck>> CheckAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_targets.Select(target => CheckAsync(target, cancellationToken)));

    public async Task<NetworkCheck> CheckAsync(NetworkTarget target, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        try
        {
            return target.Kind switch
            {
                CheckKind.Icmp => await PingAsync(target, started, linked.Token),
                CheckKind.Tcp => await ConnectAsync(target, started, linked.Token),
                _ => await GetAsync(target, started, linked.Token),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Down(target, started, $"no answer within CHECK_TIMEOUT ({_timeout.TotalSeconds:0.###} s)");
        }
        catch (Exception ex) when (ex is SocketException or HttpRequestException or PingException or IOException)
        {
            Log.NetworkCheckFailed(logger, target.Url?.ToString() ?? target.Host, ex.Message);
            return Down(target, started, Describe(ex));
        }
    }

    private async Task<NetworkCheck> PingAsync(NetworkTarget target, long started, CancellationToken cancellationToken)
    {
        IPStatus status;
        try
        {
            status = await echo(target.Host, _timeout, cancellationToken);
        }
        catch (Exception ex) when (IcmpNotPermitted(ex))
        {
            Log.IcmpNotPermitted(logger, target.Host, target.Port ?? IcmpFallbackPort, ex.Message);
            return await ReachByTcpAsync(target, started, cancellationToken);
        }

        return status == IPStatus.Success
            ? HostResult(target, "up", started, null)
            : Down(target, started, $"ping: {status}");
    }

    public static async Task<IPStatus> Echo(string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        return (await ping.SendPingAsync(host, timeout, cancellationToken: cancellationToken)).Status;
    }

    /// <summary>
    /// Reachability without ICMP: a TCP connect that is accepted or refused proves the host answered; only silence or an
    /// unreachable network is <c>down</c>. The result says what was measured: <c>kind</c> <c>tcp</c> and the port.
    /// </summary>
    private async Task<NetworkCheck> ReachByTcpAsync(NetworkTarget target, long started, CancellationToken cancellationToken)
    {
        var port = target.Port ?? IcmpFallbackPort;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        string? error = null;
        try
        {
            await socket.ConnectAsync(target.Host, port, cancellationToken);
        }
        catch (SocketException refused) when (refused.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // A refusal is the host's own answer: it is reachable.
        }
        catch (SocketException unreachable)
        {
            error = $"ICMP not permitted; TCP port {port}: {Describe(unreachable)}";
        }

        return new NetworkCheck
        {
            Host = target.Host,
            Port = port,
            Status = error is null ? "up" : "down",
            LatencyMs = ElapsedMs(started),
            Error = error is null ? null : Truncate(error),
            Kind = "tcp",
        };
    }

    /// <summary>Unprivileged, with ICMP sockets closed and no ping utility, .NET cannot ping at all.</summary>
    private static bool IcmpNotPermitted(Exception ex) => ex is PlatformNotSupportedException
        or UnauthorizedAccessException
        or PingException { InnerException: PlatformNotSupportedException or UnauthorizedAccessException or SocketException { SocketErrorCode: SocketError.AccessDenied } };

    private async Task<NetworkCheck> ConnectAsync(NetworkTarget target, long started, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target.Host, target.Port!.Value, cancellationToken);
        return HostResult(target, "up", started, null);
    }

    private async Task<NetworkCheck> GetAsync(NetworkTarget target, long started, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(target.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var code = (int)response.StatusCode;
        var up = code is >= 200 and < 400;
        return new NetworkCheck
        {
            Url = target.Url!.ToString(),
            StatusCode = code is >= 100 and <= 599 ? code : null,
            Status = up ? "up" : "degraded",
            LatencyMs = ElapsedMs(started),
            Error = up ? null : Truncate($"HTTP {code} {response.ReasonPhrase}".TrimEnd()),
            Kind = "http",
        };
    }

    private NetworkCheck Down(NetworkTarget target, long started, string error) =>
        target.Kind == CheckKind.Http
            ? new NetworkCheck { Url = target.Url!.ToString(), Status = "down", LatencyMs = ElapsedMs(started), Error = Truncate(error), Kind = "http" }
            : HostResult(target, "down", started, error);

    private NetworkCheck HostResult(NetworkTarget target, string status, long started, string? error) => new()
    {
        Host = target.Host,
        Port = target.Kind == CheckKind.Icmp ? null : target.Port,
        Status = status,
        LatencyMs = ElapsedMs(started),
        Error = error is null ? null : Truncate(error),
        Kind = target.Kind == CheckKind.Icmp ? "icmp" : "tcp",
    };

    private double ElapsedMs(long started) => Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 3);

    private static string Describe(Exception ex) => ex switch
    {
        SocketException socket => $"{socket.SocketErrorCode}: {socket.Message}",
        PingException { InnerException: { } inner } => $"ping: {inner.Message}",
        HttpRequestException { InnerException: SocketException socket } => $"{socket.SocketErrorCode}: {socket.Message}",
        _ => ex.Message,
    };

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
}
