namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// One sample's values as a compact uncompressed row for the head table, which holds samples not yet compacted into blocks:
/// per value the series id as a varint, then a tag with the decimal exponent and the mantissa as a zigzag varint,
/// or <see cref="RawTag"/> and the value's 8 bytes where no exponent is exact.
/// </summary>
public static class SampleRowCodec
{
    /// <summary>The tag of a value stored as its raw IEEE 754 bits.</summary>
    public const byte RawTag = 0xFF;

    /// <summary>Encodes the values in their order; every double round-trips bit for bit.</summary>
    public static byte[] Encode(IReadOnlyList<KeyValuePair<int, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var writer = new BlockWriter(values.Count * 4);
        try
        {
            for (int i = 0; i < values.Count; i++)
            {
                var (seriesId, value) = values[i];
                long mantissa = 0;
                writer.WriteVarint((uint)seriesId);
                if (DecimalScaling.TryFindExponent(new ReadOnlySpan<double>(in value), new Span<long>(ref mantissa), out int exponent))
                {
                    writer.WriteByte((byte)exponent);
                    writer.WriteZigzag(mantissa);
                }
                else
                {
                    writer.WriteByte(RawTag);
                    writer.WriteInt64(BitConverter.DoubleToInt64Bits(value));
                }
            }
            return writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Decodes a row written by <see cref="Encode"/>, in its order.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a row.</exception>
    public static List<KeyValuePair<int, double>> Decode(ReadOnlySpan<byte> row)
    {
        var values = new List<KeyValuePair<int, double>>();
        var reader = new BlockReader(row);
        while (reader.Remaining > 0)
        {
            int seriesId = reader.ReadSeriesId();
            byte tag = reader.ReadByte();
            double value = tag switch
            {
                RawTag => BitConverter.Int64BitsToDouble(reader.ReadInt64()),
                <= DecimalScaling.MaxExponent => DecimalScaling.Unscale(reader.ReadZigzag(), tag),
                _ => throw BlockReader.Corrupt($"tag {tag} is unknown"),
            };
            values.Add(new(seriesId, value));
        }
        return values;
    }
}
