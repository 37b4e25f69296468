using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Monitoring.Agent.Tests.Sending;

/// <summary>A real HTTP server on a free loopback port that answers ingest requests from a script of status codes, then 200.</summary>
internal sealed class LoopbackIngestServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<HttpStatusCode> _script;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private readonly bool _hang;

    private LoopbackIngestServer(HttpListener listener, Uri baseAddress, IEnumerable<HttpStatusCode> script, bool hang)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _script = new ConcurrentQueue<HttpStatusCode>(script);
        _hang = hang;
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public int Accepted => Requests.Count(request => request.AnsweredWith == HttpStatusCode.OK);

    /// <summary>Seconds sent as <c>Retry-After</c> with every answer but 200, when set.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>How far the server's clock, as told by its <c>Date</c> header, is ahead of the real one.</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>Answers each request with the next scripted status, and 200 once the script is used up.</summary>
    public static LoopbackIngestServer Start(params HttpStatusCode[] script) => Start(script, hang: false);

    /// <summary>Accepts requests and never answers them, like a server that stalls.</summary>
    public static LoopbackIngestServer StartStalled() => Start([], hang: true);

    private static LoopbackIngestServer Start(IEnumerable<HttpStatusCode> script, bool hang)
    {
        for (var attempt = 0; ; attempt++)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseAddress.ToString());
            try
            {
                listener.Start();
                return new LoopbackIngestServer(listener, baseAddress, script, hang);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }


    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the listener ends the pending GetContextAsync with one of these.
        }

        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(_stopping.Token);
            if (_hang)
            {
                Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, context.Request.Headers["traceparent"], context.Request.Headers["Authorization"], body, null, DateTimeOffset.UtcNow));
                continue;
            }

            var status = _script.TryDequeue(out var scripted) ? scripted : HttpStatusCode.OK;
            Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, context.Request.Headers["traceparent"], context.Request.Headers["Authorization"], body, status, DateTimeOffset.UtcNow));
            var answer = status == HttpStatusCode.OK
                ? """{"status":"success","message":"Metrics received","timestamp":"2025-01-01T00:00:00+00:00"}"""
                : """{"title":"rejected","status":400,"errors":{"cpu_percent":["out of range"]}}""";
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = (int)status;
            if (status != HttpStatusCode.OK && RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.Set("Retry-After", retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.Response.Headers.Set("Date", (DateTimeOffset.UtcNow + ClockSkew).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stopping.Token);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

internal sealed record ReceivedRequest(string Method, string Path, string? ContentType, string? TraceParent, string? Authorization, string Body, HttpStatusCode? AnsweredWith, DateTimeOffset ReceivedAt);
