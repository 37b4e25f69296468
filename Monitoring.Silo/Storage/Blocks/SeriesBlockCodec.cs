using System.Buffers;
using System.Text;
using ZstdSharp;

namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// Encodes the samples of one agent over a stretch of time as one zstd-compressed block of columns: shared
/// delta-of-delta timestamps, then per series its presence runs and its values as decimal integers with deltas,
/// or their raw bits XORed with the previous value's where decimals would not be exact. Every double round-trips bit for bit.
/// </summary>
public static class SeriesBlockCodec
{
    /// <summary>The most timestamps × columns a block may hold, which bounds what decoding a corrupt block can allocate.</summary>
    public const int MaxCells = 1 << 24;

    /// <summary>The zstd level: on a realistic block, levels 5–9 save under 1% and 19 about 2%, at 3 to 25 times the time.</summary>
    public const int CompressionLevel = 3;

    private const byte FormatVersion = 1;

    // The mode byte of a column: bit 7 = has absent samples, bits 4-6 = ValueKind, bits 0-3 = decimal exponent.
    private const byte HasAbsentFlag = 0x80;

    private const byte NoTexts = 0;
    private const byte WithTexts = 1;
    private const byte TextSameAsPrevious = 0;
    private const byte TextNull = 1;
    private const byte TextValue = 2;

    // zstd's output for garbage input must not make us allocate more than a real block could ever need.
    private const int MaxDecodedBytes = 256 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum ValueKind
    {
        DecimalDeltas = 0,
        DecimalDeltasOfDeltas = 1,
        XoredBits = 2,
    }

    /// <summary>
    /// Encodes a block. <paramref name="timestamps"/> are strictly increasing (microseconds since the Unix epoch, any long);
    /// <paramref name="columns"/> have distinct series ids and one value per timestamp; <paramref name="texts"/> is null or
    /// one optional string per timestamp (consecutive equal texts are stored once).
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break one of these rules, or a text has an unpaired surrogate.</exception>
    public static byte[] Encode(ReadOnlySpan<long> timestamps, IReadOnlyList<SeriesColumn> columns, IReadOnlyList<string?>? texts = null)
    {
        Validate(timestamps, columns, texts);
        int count = timestamps.Length;
        var writer = new BlockWriter(16 + (count * 2) + (columns.Count * (8 + (count * 3))));
        var presentValues = ArrayPool<double>.Shared.Rent(count);
        var mantissas = ArrayPool<long>.Shared.Rent(count);
        try
        {
            writer.WriteByte(FormatVersion);
            writer.WriteVarint((ulong)count);
            WriteTimestamps(ref writer, timestamps);
            writer.WriteVarint((ulong)columns.Count);
            for (int c = 0; c < columns.Count; c++)
            {
                WriteColumn(ref writer, columns[c], presentValues, mantissas);
            }
            WriteTexts(ref writer, texts);
            return Compress(writer.Written);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(mantissas);
            ArrayPool<double>.Shared.Return(presentValues);
            writer.Dispose();
        }
    }

    /// <summary>
    /// Decodes a block. Only the series for which <paramref name="include"/> is true (all when null) are decoded; the others
    /// are skipped unread. Decoded columns have <see cref="SeriesColumn.Present"/> == null when present everywhere, and 0 at absent samples.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a block written by <see cref="Encode"/>.</exception>
    public static SeriesBlock Decode(ReadOnlySpan<byte> encoded, Func<int, bool>? include = null, bool includeTexts = true)
    {
        int size = DecodedSize(encoded);
        var payload = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            Decompress(encoded, payload.AsSpan(0, size));
            return Parse(payload.AsSpan(0, size), include, includeTexts);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private static void Validate(ReadOnlySpan<long> timestamps, IReadOnlyList<SeriesColumn> columns, IReadOnlyList<string?>? texts)
    {
        ArgumentNullException.ThrowIfNull(columns);
        for (int i = 1; i < timestamps.Length; i++)
        {
            if (timestamps[i] <= timestamps[i - 1])
            {
                throw new ArgumentException($"Timestamps must be strictly increasing; index {i} is not.", nameof(timestamps));
            }
        }
        if ((long)timestamps.Length * columns.Count > MaxCells)
        {
            throw new ArgumentException($"A block holds at most {MaxCells} timestamps × columns.", nameof(columns));
        }
        var seriesIds = new HashSet<int>(columns.Count);
        foreach (var column in columns)
        {
            ArgumentNullException.ThrowIfNull(column, nameof(columns));
            if (column.Values.Length != timestamps.Length || (column.Present is { } present && present.Length != timestamps.Length))
            {
                throw new ArgumentException($"Series {column.SeriesId} must have one entry per timestamp.", nameof(columns));
            }
            if (!seriesIds.Add(column.SeriesId))
            {
                throw new ArgumentException($"Series {column.SeriesId} appears twice.", nameof(columns));
            }
        }
        if (texts is not null && texts.Count != timestamps.Length)
        {
            throw new ArgumentException("There must be one text per timestamp.", nameof(texts));
        }
    }

    private static void WriteTimestamps(ref BlockWriter writer, ReadOnlySpan<long> timestamps)
    {
        long previous = 0, previousDelta = 0;
        for (int i = 0; i < timestamps.Length; i++)
        {
            // Wrapping arithmetic keeps any gap exact, even one wider than long.MaxValue.
            long delta = unchecked(timestamps[i] - previous);
            writer.WriteZigzag(i == 0 ? timestamps[0] : unchecked(delta - previousDelta));
            previousDelta = i == 0 ? 0 : delta;
            previous = timestamps[i];
        }
    }

    private static void WriteColumn(ref BlockWriter writer, SeriesColumn column, double[] presentValues, long[] mantissas)
    {
        int count = column.Values.Length;
        int presentCount = 0;
        for (int i = 0; i < count; i++)
        {
            if (column.IsPresent(i))
            {
                presentValues[presentCount++] = column.Values[i];
            }
        }
        var values = presentValues.AsSpan(0, presentCount);
        var scaled = mantissas.AsSpan(0, presentCount);
        byte absent = presentCount < count ? HasAbsentFlag : (byte)0;

        writer.WriteVarint((uint)column.SeriesId);
        int contentStart = writer.BeginLengthPrefixed();
        if (DecimalScaling.TryFindExponent(values, scaled, out int exponent))
        {
            var kind = ChooseDeltaKind(scaled);
            writer.WriteByte((byte)(absent | ((int)kind << 4) | exponent));
            WritePresence(ref writer, column, absent != 0);
            WriteMantissas(ref writer, scaled, kind);
        }
        else
        {
            writer.WriteByte((byte)(absent | ((int)ValueKind.XoredBits << 4)));
            WritePresence(ref writer, column, absent != 0);
            long previousBits = 0;
            foreach (double value in values)
            {
                long bits = BitConverter.DoubleToInt64Bits(value);
                writer.WriteInt64(bits ^ previousBits);
                previousBits = bits;
            }
        }
        writer.EndLengthPrefixed(contentStart);
    }

    /// <summary>Alternating run lengths, starting with a run of present samples (possibly empty).</summary>
    private static void WritePresence(ref BlockWriter writer, SeriesColumn column, bool hasAbsent)
    {
        if (!hasAbsent)
        {
            return;
        }
        int count = column.Values.Length;
        bool runOfPresent = true;
        int runStart = 0;
        for (int i = 0; i <= count; i++)
        {
            if (i == count || column.IsPresent(i) != runOfPresent)
            {
                writer.WriteVarint((ulong)(i - runStart));
                runOfPresent = !runOfPresent;
                runStart = i;
            }
        }
    }

    private static ValueKind ChooseDeltaKind(ReadOnlySpan<long> mantissas)
    {
        long deltaBytes = 0, deltaOfDeltaBytes = 0;
        long previous = 0, previousDelta = 0;
        foreach (long mantissa in mantissas)
        {
            long delta = mantissa - previous;
            deltaBytes += BlockWriter.VarintLength(BlockWriter.Zigzag(delta));
            deltaOfDeltaBytes += BlockWriter.VarintLength(BlockWriter.Zigzag(delta - previousDelta));
            previous = mantissa;
            previousDelta = delta;
        }
        return deltaOfDeltaBytes < deltaBytes ? ValueKind.DecimalDeltasOfDeltas : ValueKind.DecimalDeltas;
    }

    private static void WriteMantissas(ref BlockWriter writer, ReadOnlySpan<long> mantissas, ValueKind kind)
    {
        long previous = 0, previousDelta = 0;
        foreach (long mantissa in mantissas)
        {
            long delta = mantissa - previous;
            writer.WriteZigzag(kind == ValueKind.DecimalDeltas ? delta : delta - previousDelta);
            previous = mantissa;
            previousDelta = delta;
        }
    }

    private static void WriteTexts(ref BlockWriter writer, IReadOnlyList<string?>? texts)
    {
        if (texts is null)
        {
            writer.WriteByte(NoTexts);
            return;
        }
        writer.WriteByte(WithTexts);
        string? previous = null;
        for (int i = 0; i < texts.Count; i++)
        {
            string? text = texts[i];
            if (string.Equals(text, previous, StringComparison.Ordinal))
            {
                writer.WriteByte(TextSameAsPrevious);
            }
            else if (text is null)
            {
                writer.WriteByte(TextNull);
            }
            else
            {
                int length = StrictUtf8.GetByteCount(text);
                writer.WriteByte(TextValue);
                writer.WriteVarint((ulong)length);
                writer.Advance(StrictUtf8.GetBytes(text, writer.GetSpan(length)));
            }
            previous = text;
        }
    }

    // A zstd context costs more to create than a block to decompress: each thread keeps one of each for its life.
    [ThreadStatic]
    private static Compressor? compressor;

    [ThreadStatic]
    private static Decompressor? decompressor;

    private static byte[] Compress(ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(payload.Length));
        try
        {
            int length = (compressor ??= new Compressor(CompressionLevel)).Wrap(payload, buffer);
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int DecodedSize(ReadOnlySpan<byte> encoded)
    {
        ulong size;
        try
        {
            size = Decompressor.GetDecompressedSize(encoded);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException("The encoded series block is not a zstd frame.", e);
        }
        return size is > 0 and <= MaxDecodedBytes ? (int)size : throw BlockReader.Corrupt($"its frame declares {size} bytes");
    }

    private static void Decompress(ReadOnlySpan<byte> encoded, Span<byte> payload)
    {
        int written;
        try
        {
            written = (decompressor ??= new Decompressor()).Unwrap(encoded, payload);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException("The encoded series block does not decompress.", e);
        }
        if (written != payload.Length)
        {
            throw BlockReader.Corrupt("its frame holds fewer bytes than it declares");
        }
    }

    private static SeriesBlock Parse(ReadOnlySpan<byte> payload, Func<int, bool>? include, bool includeTexts)
    {
        var reader = new BlockReader(payload);
        byte version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw BlockReader.Corrupt($"version {version} is unknown");
        }
        var timestamps = ReadTimestamps(ref reader);
        int columnCount = reader.ReadCount();
        if ((long)timestamps.Length * columnCount > MaxCells)
        {
            throw BlockReader.Corrupt("it holds more cells than a block may");
        }
        var columns = new List<SeriesColumn>(include is null ? columnCount : 0);
        for (int c = 0; c < columnCount; c++)
        {
            int seriesId = reader.ReadSeriesId();
            var content = reader.ReadBytes(reader.ReadCount());
            if (include is null || include(seriesId))
            {
                columns.Add(ReadColumn(content, seriesId, timestamps.Length));
            }
        }
        var texts = includeTexts ? ReadTexts(ref reader, timestamps.Length) : null;
        return new SeriesBlock(timestamps, columns, texts);
    }

    private static long[] ReadTimestamps(ref BlockReader reader)
    {
        var timestamps = new long[reader.ReadCount()];
        long previous = 0, delta = 0;
        for (int i = 0; i < timestamps.Length; i++)
        {
            long next = reader.ReadZigzag();
            if (i == 0)
            {
                timestamps[0] = next;
            }
            else
            {
                delta = unchecked(delta + next);
                timestamps[i] = unchecked(previous + delta);
                if (timestamps[i] <= previous)
                {
                    throw BlockReader.Corrupt("its timestamps do not increase");
                }
            }
            previous = timestamps[i];
        }
        return timestamps;
    }

    private static SeriesColumn ReadColumn(ReadOnlySpan<byte> content, int seriesId, int count)
    {
        var reader = new BlockReader(content);
        byte mode = reader.ReadByte();
        var kind = (ValueKind)((mode >> 4) & 0x7);
        int exponent = mode & 0xF;
        if (kind is not (ValueKind.DecimalDeltas or ValueKind.DecimalDeltasOfDeltas or ValueKind.XoredBits))
        {
            throw BlockReader.Corrupt($"series {seriesId} has an unknown mode");
        }
        var present = (mode & HasAbsentFlag) != 0 ? ReadPresence(ref reader, count) : null;
        var values = new double[count];
        long previous = 0, previousDelta = 0;
        for (int i = 0; i < count; i++)
        {
            if (present is not null && !present[i])
            {
                continue;
            }
            if (kind == ValueKind.XoredBits)
            {
                previous ^= reader.ReadInt64();
                values[i] = BitConverter.Int64BitsToDouble(previous);
                continue;
            }
            long next = reader.ReadZigzag();
            previousDelta = kind == ValueKind.DecimalDeltas ? next : unchecked(previousDelta + next);
            previous = unchecked(previous + previousDelta);
            values[i] = DecimalScaling.Unscale(previous, exponent);
        }
        reader.ExpectEnd();
        return new SeriesColumn(seriesId, values, present);
    }

    /// <summary>Reads the runs of <see cref="WritePresence"/>; null when they leave no sample absent.</summary>
    private static bool[]? ReadPresence(ref BlockReader reader, int count)
    {
        var present = new bool[count];
        bool runOfPresent = true, anyAbsent = false;
        int covered = 0;
        while (covered < count)
        {
            ulong run = reader.ReadVarint();
            if (run > (ulong)(count - covered))
            {
                throw BlockReader.Corrupt("a presence run passes the end of the block");
            }
            present.AsSpan(covered, (int)run).Fill(runOfPresent);
            anyAbsent |= !runOfPresent && run > 0;
            covered += (int)run;
            runOfPresent = !runOfPresent;
        }
        return anyAbsent ? present : null;
    }

    private static string?[]? ReadTexts(ref BlockReader reader, int count)
    {
        byte flag = reader.ReadByte();
        if (flag == NoTexts)
        {
            reader.ExpectEnd();
            return null;
        }
        if (flag != WithTexts)
        {
            throw BlockReader.Corrupt("its texts flag is unknown");
        }
        var texts = new string?[count];
        string? previous = null;
        for (int i = 0; i < count; i++)
        {
            texts[i] = reader.ReadByte() switch
            {
                TextSameAsPrevious => previous,
                TextNull => null,
                TextValue => Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadCount())),
                _ => throw BlockReader.Corrupt("a text has an unknown tag"),
            };
            previous = texts[i];
        }
        reader.ExpectEnd();
        return texts;
    }
}
