using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Monitoring.Tests.Alerts;

/// <summary>
/// An SMTP server on loopback that speaks EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET and QUIT (no STARTTLS), requires
/// authentication when given credentials, keeps every message it accepted and can refuse some with a transient reply.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);
    private readonly string _username;
    private readonly string _password;
    private Task _accepting = Task.CompletedTask;

    private SmtpSink(string username, string password) => (_username, _password) = (username, password);

    public ConcurrentQueue<SmtpDelivery> Received { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static SmtpSink Start(string username, string password)
    {
        var sink = new SmtpSink(username, password);
        sink._listener.Start();
        sink._accepting = sink.AcceptAsync();
        return sink;
    }

    /// <summary>Answers 451 to the next <paramref name="times"/> messages about <paramref name="alertId"/>.</summary>
    public void Refuse(string alertId, int times) => _refusals[alertId] = times;

    public IReadOnlyList<SmtpDelivery> For(string alertId) => [.. Received.Where(d => d.Message.Headers["X-Monitoring-Alert-Id"] == alertId)];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        var token = _stopping.Token;
        string? user = null;
        string? from = null;
        var to = new List<string>();
        await writer.WriteLineAsync("220 sink.test ESMTP");
        try
        {
            while (await reader.ReadLineAsync(token) is { } line)
            {
                var words = line.Split(' ');
                switch (words[0].ToUpperInvariant())
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink.test");
                        await writer.WriteLineAsync("250 AUTH PLAIN");
                        break;
                    case "AUTH" when words.Length > 1 && words[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase):
                        var response = words.Length > 2 ? words[2] : await Challenge(reader, writer, token);
                        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                        user = parts.Length == 3 && parts[1] == _username && parts[2] == _password ? parts[1] : null;
                        await writer.WriteLineAsync(user is null ? "535 5.7.8 Bad credentials" : "235 2.7.0 Authenticated");
                        break;
                    case "MAIL" when user is null:
                        await writer.WriteLineAsync("530 5.7.0 Authentication required");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 2.1.5 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var message = await ReadMessageAsync(reader, token);
                        var alertId = message.Headers["X-Monitoring-Alert-Id"] ?? "";
                        if (_refusals.TryGetValue(alertId, out var left) && left > 0)
                        {
                            _refusals[alertId] = left - 1;
                            await writer.WriteLineAsync("451 4.3.0 Try again later");
                            break;
                        }

                        Received.Enqueue(new SmtpDelivery(user!, from!, [.. to], message));
                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "RSET":
                        (from, to) = (null, []);
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client hung up, or the sink stops.
        }
    }

    private static async Task<string> Challenge(StreamReader reader, StreamWriter writer, CancellationToken token)
    {
        await writer.WriteLineAsync("334 ");
        return await reader.ReadLineAsync(token) ?? "";
    }

    private static string Address(string line) => line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];

    private static async Task<MimeMessage> ReadMessageAsync(StreamReader reader, CancellationToken token)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(token) is { } line && line != ".")
        {
            data.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
        }

        using var bytes = new MemoryStream(Encoding.Latin1.GetBytes(data.ToString()));
        return await MimeMessage.LoadAsync(bytes, token);
    }
}

/// <summary>One message the SMTP sink accepted: who authenticated, the envelope and the message.</summary>
public sealed record SmtpDelivery(string User, string From, IReadOnlyList<string> To, MimeMessage Message);
