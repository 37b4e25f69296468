using FsCheck;
using FsCheck.Fluent;
using Monitoring.Silo.Storage.Blocks;
using ZstdSharp;

namespace Monitoring.Tests.Storage.Blocks;

public sealed class SeriesBlockCodecTests
{
    private static readonly Config Properties = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void Any_block_round_trips_bit_for_bit()
    {
        Prop.ForAll(BlockGenerators.Block.ToArbitrary(), block =>
        {
            var decoded = SeriesBlockCodec.Decode(Encode(block));

            Assert.Equal(block.Timestamps, decoded.Timestamps);
            Assert.Equal(block.Columns.Length, decoded.Columns.Count);
            for (int c = 0; c < block.Columns.Length; c++)
            {
                AssertSameSamples(block.Columns[c], decoded.Columns[c]);
            }
            Assert.Equal(block.Texts, decoded.Texts);
        }).Check(Properties);
    }

    [Fact]
    public void Decoding_with_an_include_filter_returns_exactly_the_included_series_unchanged()
    {
        var blocksAndFilters =
            from block in BlockGenerators.Block
            from included in Gen.SubListOf(block.Columns.Select(column => column.SeriesId))
            select (Block: block, Included: included.ToHashSet());

        Prop.ForAll(blocksAndFilters.ToArbitrary(), input =>
        {
            var encoded = Encode(input.Block);
            var whole = SeriesBlockCodec.Decode(encoded);
            var filtered = SeriesBlockCodec.Decode(encoded, input.Included.Contains, includeTexts: false);

            var expected = whole.Columns.Where(column => input.Included.Contains(column.SeriesId)).ToList();
            Assert.Equal(expected.Select(column => column.SeriesId), filtered.Columns.Select(column => column.SeriesId));
            for (int c = 0; c < expected.Count; c++)
            {
                Assert.Equal(expected[c].Present, filtered.Columns[c].Present);
                Assert.Equal(Bits(expected[c].Values), Bits(filtered.Columns[c].Values));
            }
            Assert.Equal(whole.Timestamps, filtered.Timestamps);
            Assert.Null(filtered.Texts);
        }).Check(Properties);
    }

    [Fact]
    public void Decoded_columns_present_everywhere_have_no_presence_array()
    {
        var decoded = SeriesBlockCodec.Decode(SeriesBlockCodec.Encode(
            [1, 2, 3], [new SeriesColumn(1, [1, 2, 3], [true, true, true]), new SeriesColumn(2, [1, 0, 3], [true, false, true])]));

        Assert.Null(decoded.Columns[0].Present);
        Assert.Equal(new[] { true, false, true }, decoded.Columns[1].Present);
    }

    [Fact]
    public void Random_bytes_fail_to_decode_only_with_InvalidDataException()
    {
        var zstdMagic = new byte[] { 0x28, 0xB5, 0x2F, 0xFD };
        var inputs =
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
            from framed in Gen.Elements(false, true)
            select framed ? [.. zstdMagic, .. bytes] : bytes;

        Prop.ForAll(inputs.ToArbitrary(), bytes => AssertDecodesOrIsInvalid(bytes)).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void A_truncated_block_fails_to_decode_with_InvalidDataException()
    {
        var truncations =
            from block in BlockGenerators.Block
            from cut in Gen.Choose(0, 999)
            select (Block: block, Cut: cut);

        Prop.ForAll(truncations.ToArbitrary(), input =>
        {
            var encoded = Encode(input.Block);
            int length = encoded.Length * input.Cut / 1000;
            Assert.Throws<InvalidDataException>(() => SeriesBlockCodec.Decode(encoded.AsSpan(0, length)));
        }).Check(Properties);
    }

    [Fact]
    public void A_corrupted_payload_in_a_valid_frame_decodes_or_fails_with_InvalidDataException()
    {
        var corruptions =
            from block in BlockGenerators.Block
            from edits in Gen.NonEmptyListOf(Gen.Three(Gen.Choose(0, int.MaxValue)))
            select (Block: block, Edits: edits);

        Prop.ForAll(corruptions.ToArbitrary(), input =>
        {
            using var decompressor = new Decompressor();
            var payload = decompressor.Unwrap(Encode(input.Block)).ToArray().ToList();
            foreach (var (kind, position, value) in input.Edits)
            {
                Corrupt(payload, kind % 4, position, (byte)value);
            }
            using var compressor = new Compressor(SeriesBlockCodec.CompressionLevel);
            AssertDecodesOrIsInvalid(compressor.Wrap(payload.ToArray()).ToArray());
        }).Check(Properties);
    }

    [Fact]
    public void Encode_rejects_a_block_that_breaks_its_rules()
    {
        SeriesColumn Column(int seriesId, int count) => new(seriesId, new double[count], null);

        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([1, 1], [Column(1, 2)]));
        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([2, 1], [Column(1, 2)]));
        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([1, 2], [Column(1, 3)]));
        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([1, 2], [new SeriesColumn(1, new double[2], [true])]));
        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([1, 2], [Column(1, 2), Column(1, 2)]));
        Assert.Throws<ArgumentException>(() => SeriesBlockCodec.Encode([1, 2], [Column(1, 2)], ["only one"]));
        Assert.ThrowsAny<ArgumentException>(() => SeriesBlockCodec.Encode([1], [Column(1, 1)], ["\uD800 unpaired"]));
    }

    [Fact]
    public void An_hour_of_a_linux_agent_at_60_s_takes_under_70_bytes_per_sample()
    {
        var (timestamps, columns) = LinuxAgentBlock.Create(samples: 60);

        var encoded = SeriesBlockCodec.Encode(timestamps, columns);

        // Measured 65.3 B per sample (3 919 B for 60 samples × 57 series; raw would be 464 B). Nearly all of it is the
        // generator's own noise: ~3 B per sample of millisecond jitter in the timestamps, ~3 B per value of the rates
        // (each ~20 bits of uniform noise), ~3.5 B per value of the byte counts wandering in 4 KiB pages, ~1 B per
        // wandering percentage; constant series cost under 0.2 B. The bound leaves 7% for format changes that must be measured.
        double bytesPerSample = encoded.Length / (double)timestamps.Length;
        Assert.True(bytesPerSample < 70, $"{bytesPerSample:F1} B per sample");
        Assert.Equal(timestamps, SeriesBlockCodec.Decode(encoded).Timestamps);
    }

    private static byte[] Encode(BlockInput block) => SeriesBlockCodec.Encode(block.Timestamps, block.Columns, block.Texts);

    private static void AssertSameSamples(SeriesColumn expected, SeriesColumn actual)
    {
        Assert.Equal(expected.SeriesId, actual.SeriesId);
        bool presentEverywhere = expected.Present is null || expected.Present.All(present => present);
        Assert.Equal(presentEverywhere, actual.Present is null);
        for (int i = 0; i < expected.Values.Length; i++)
        {
            Assert.Equal(expected.IsPresent(i), actual.IsPresent(i));
            if (expected.IsPresent(i))
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Values[i]), BitConverter.DoubleToInt64Bits(actual.Values[i]));
            }
        }
    }

    private static long[] Bits(double[] values) => Array.ConvertAll(values, BitConverter.DoubleToInt64Bits);

    private static void AssertDecodesOrIsInvalid(byte[] bytes)
    {
        try
        {
            SeriesBlockCodec.Decode(bytes);
        }
        catch (InvalidDataException)
        {
        }
    }

    private static void Corrupt(List<byte> payload, int kind, int position, byte value)
    {
        int at = position % (payload.Count + 1);
        switch (kind)
        {
            case 0 when at < payload.Count:
                payload[at] = value;
                break;
            case 1:
                payload.Insert(at, value);
                break;
            case 2 when at < payload.Count:
                payload.RemoveAt(at);
                break;
            case 3:
                payload.RemoveRange(at, payload.Count - at);
                break;
        }
    }
}
