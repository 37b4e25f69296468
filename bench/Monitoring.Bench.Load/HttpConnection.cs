using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Monitoring.Bench.Load;

public enum OutcomeKind
{
    /// <summary>A complete HTTP response was read.</summary>
    Answered,

    /// <summary>Connecting failed: nothing was sent, so the server cannot have stored the sample.</summary>
    ConnectFailed,

    /// <summary>The connection broke after the request was (partly) sent: the sample may or may not be stored.</summary>
    Broken,

    /// <summary>No complete answer before the drain deadline: the sample may or may not be stored.</summary>
    TimedOut,
}

public readonly record struct Outcome(OutcomeKind Kind, int StatusCode, bool SuccessBody);

/// <summary>
/// One keep-alive HTTP/1.1 connection on a raw socket, one request at a time. It reads exactly one response
/// (Content-Length or chunked) so every answer is counted, and reconnects after a failure.
/// </summary>
public sealed class HttpConnection(IPEndPoint endpoint) : IDisposable
{
    private readonly byte[] _response = new byte[64 * 1024];
    private Socket? _socket;
    private int _filled;
    private int _bodyStart;
    private ResponseHead _head;

    public async ValueTask<Outcome> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            var socket = NewSocket();
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                return new Outcome(OutcomeKind.ConnectFailed, 0, false);
            }

            _socket = socket;
        }

        try
        {
            while (!request.IsEmpty)
            {
                var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
                request = request[sent..];
            }

            BeginResponse();
            while (true)
            {
                var read = await _socket.ReceiveAsync(_response.AsMemory(_filled), SocketFlags.None, cancellationToken);
                if (Consume(read, out var outcome))
                {
                    return outcome;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Close();
            return new Outcome(OutcomeKind.TimedOut, 0, false);
        }
        catch (Exception e) when (e is SocketException or InvalidDataException)
        {
            Close();
            return new Outcome(OutcomeKind.Broken, 0, false);
        }
    }

    /// <summary>
    /// The same exchange on a blocking socket owned by one thread: no epoll hand-off and no thread-pool hop per
    /// answer, which leaves more of the machine to the server being measured.
    /// </summary>
    public Outcome Send(ReadOnlySpan<byte> request, DateTime giveUpAtUtc)
    {
        var remaining = giveUpAtUtc - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            Close();
            return new Outcome(OutcomeKind.TimedOut, 0, false);
        }

        if (_socket is null)
        {
            var socket = NewSocket();
            try
            {
                socket.Connect(endpoint);
            }
            catch (SocketException)
            {
                socket.Dispose();
                return new Outcome(OutcomeKind.ConnectFailed, 0, false);
            }

            _socket = socket;
        }

        try
        {
            // A blocking receive cannot be cancelled; its timeout bounds how long the drain can wait.
            _socket.ReceiveTimeout = (int)Math.Clamp(remaining.TotalMilliseconds, 1, int.MaxValue);
            while (!request.IsEmpty)
            {
                var sent = _socket.Send(request, SocketFlags.None);
                request = request[sent..];
            }

            BeginResponse();
            while (true)
            {
                var read = _socket.Receive(_response.AsSpan(_filled), SocketFlags.None);
                if (Consume(read, out var outcome))
                {
                    return outcome;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            Close();
            return new Outcome(OutcomeKind.TimedOut, 0, false);
        }
        catch (Exception e) when (e is SocketException or InvalidDataException)
        {
            Close();
            return new Outcome(OutcomeKind.Broken, 0, false);
        }
    }

    public void Dispose() => Close();

    private Socket NewSocket() => new(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private void BeginResponse()
    {
        _filled = 0;
        _bodyStart = -1;
        _head = default;
    }

    /// <summary>Takes <paramref name="read"/> more bytes of the answer; true once the whole answer is in.</summary>
    private bool Consume(int read, out Outcome outcome)
    {
        outcome = default;
        if (read == 0)
        {
            if (_head.UntilClose && _bodyStart >= 0)
            {
                Close();
                outcome = Finish(_head, _response.AsSpan(_bodyStart, _filled - _bodyStart));
                return true;
            }

            throw new SocketException((int)SocketError.ConnectionReset);
        }

        _filled += read;
        if (_bodyStart < 0)
        {
            var headerEnd = _response.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                return FullBufferCheck();
            }

            _head = ResponseHead.Parse(_response.AsSpan(0, headerEnd));
            _bodyStart = headerEnd + 4;
        }

        var body = _response.AsSpan(_bodyStart, _filled - _bodyStart);
        if (!_head.IsComplete(body))
        {
            return FullBufferCheck();
        }

        if (_head.ConnectionClose)
        {
            Close();
        }

        outcome = Finish(_head, body);
        return true;
    }

    private bool FullBufferCheck() =>
        _filled < _response.Length ? false : throw new InvalidDataException("The response is larger than the receive buffer.");

    private static Outcome Finish(ResponseHead head, ReadOnlySpan<byte> body) =>
        new(OutcomeKind.Answered, head.StatusCode, body.IndexOf("\"status\":\"success\""u8) >= 0);

    private readonly record struct ResponseHead(int StatusCode, long ContentLength, bool Chunked, bool ConnectionClose)
    {
        public bool UntilClose => ContentLength < 0 && !Chunked && StatusCode is not (204 or 304);

        public static ResponseHead Parse(ReadOnlySpan<byte> head)
        {
            if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            {
                throw new InvalidDataException("Not an HTTP/1.x status line.");
            }

            long contentLength = -1;
            bool chunked = false, close = false;
            var lineEnd = head.IndexOf("\r\n"u8);
            var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
            while (!rest.IsEmpty)
            {
                lineEnd = rest.IndexOf("\r\n"u8);
                var line = lineEnd < 0 ? rest : rest[..lineEnd];
                rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out contentLength, out _))
                    {
                        throw new InvalidDataException("Bad Content-Length.");
                    }
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    close = Ascii.EqualsIgnoreCase(value, "close"u8);
                }
            }

            return new ResponseHead(status, contentLength, chunked, close);
        }

        public bool IsComplete(ReadOnlySpan<byte> body)
        {
            if (Chunked)
            {
                return ChunkedBodyIsComplete(body);
            }

            if (ContentLength >= 0)
            {
                return body.Length >= ContentLength;
            }

            return !UntilClose;
        }

        private static bool ChunkedBodyIsComplete(ReadOnlySpan<byte> body)
        {
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n"u8);
                if (lineEnd < 0)
                {
                    return false;
                }

                var sizeText = body[..lineEnd];
                var extension = sizeText.IndexOf((byte)';');
                if (extension >= 0)
                {
                    sizeText = sizeText[..extension];
                }

                if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out long size, out var consumed, 'X') || consumed == 0)
                {
                    throw new InvalidDataException("Bad chunk size.");
                }

                body = body[(lineEnd + 2)..];
                if (size == 0)
                {
                    // The last chunk is followed by optional trailer lines and an empty line.
                    return body.StartsWith("\r\n"u8) || body.IndexOf("\r\n\r\n"u8) >= 0;
                }

                if (body.Length < size + 2)
                {
                    return false;
                }

                body = body[(int)(size + 2)..];
            }
        }
    }
}
