using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Checks;

/// <summary>Checks every configured target concurrently, each bounded by <c>CHECK_TIMEOUT</c>; results keep the configured order.</summary>
internal sealed class NetworkChecker(
    IHttpClientFactory httpClients,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<NetworkChecker> logger)
{
    public const string HttpClientName = "network-checks";

    /// <summary>The server accepts error texts up to this length.</summary>
    public const int MaxErrorLength = 1024;

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
        catch (Exception ex) when (ex is SocketException or HttpRequestException or PingException or IOException or PlatformNotSupportedException)
        {
            Log.NetworkCheckFailed(logger, target.Url?.ToString() ?? target.Host, ex.Message);
            return Down(target, started, Describe(ex));
        }
    }

    private async Task<NetworkCheck> PingAsync(NetworkTarget target, long started, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        var reply = await ping.SendPingAsync(target.Host, _timeout, cancellationToken: cancellationToken);
        return reply.Status == IPStatus.Success
            ? HostResult(target, "up", started, null)
            : Down(target, started, $"ping: {reply.Status}");
    }

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
        Port = target.Port,
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
        // Unprivileged, with ICMP sockets closed (net.ipv4.ping_group_range) and no ping utility, .NET cannot ping at all.
        PlatformNotSupportedException => $"ping not permitted: {ex.Message}",
        HttpRequestException { InnerException: SocketException socket } => $"{socket.SocketErrorCode}: {socket.Message}",
        _ => ex.Message,
    };

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
}
