using System.Buffers;
using System.Globalization;
using System.Text;

namespace Monitoring.Silo.Export;

/// <summary>
/// The pieces of Prometheus' text exposition format (version 0.0.4), written as UTF-8 straight into a buffer: metric
/// names made legal, label values escaped, sample values as Go's parser reads them. Small enough that a client library
/// (which would hold every series in memory as a live metric) is not worth it for values that are only read out.
/// </summary>
public static class PrometheusText
{
    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    /// <summary>A legal metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>): every other character becomes <c>_</c>, a leading digit gets one before it.</summary>
    public static string LegalName(string name)
    {
        if (name.Length > 0 && IsLegal(name))
        {
            return name;
        }

        var legal = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            legal.Append('_');
        }

        foreach (var c in name)
        {
            legal.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        return legal.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a legal metric name as it stands.</summary>
    public static bool IsLegal(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.AsSpan().IndexOfAnyExcept(NameCharacters) < 0;

    /// <summary>Writes ASCII text (names, punctuation) as it is.</summary>
    public static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    /// <summary>Writes a label value's UTF-8 with backslash, double quote and line feed escaped (<c>\\</c>, <c>\"</c>, <c>\n</c>).</summary>
    public static void WriteLabelValue(IBufferWriter<byte> output, string value) => WriteEscaped(output, value, quote: true);

    /// <summary>Writes a <c># HELP</c> line's text: backslash and line feed escaped, a double quote left as it is.</summary>
    public static void WriteHelp(IBufferWriter<byte> output, string text) => WriteEscaped(output, text, quote: false);

    private static void WriteEscaped(IBufferWriter<byte> output, string value, bool quote)
    {
        var encoded = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, encoded);
            var span = output.GetSpan(length * 2);
            var written = 0;
            foreach (var b in encoded.AsSpan(0, length))
            {
                switch (b)
                {
                    case (byte)'\\':
                    case (byte)'"' when quote:
                        span[written++] = (byte)'\\';
                        span[written++] = b;
                        break;
                    case (byte)'\n':
                        span[written++] = (byte)'\\';
                        span[written++] = (byte)'n';
                        break;
                    default:
                        span[written++] = b;
                        break;
                }
            }

            output.Advance(written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    /// <summary>Writes a sample value: the shortest text that reads back to the same double, or <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    public static void WriteValue(IBufferWriter<byte> output, double value)
    {
        if (!double.IsFinite(value))
        {
            WriteAscii(output, double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf");
            return;
        }

        var span = output.GetSpan(32);
        value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
        output.Advance(written);
    }
}
