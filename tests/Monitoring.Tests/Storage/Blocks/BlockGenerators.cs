using FsCheck;
using FsCheck.Fluent;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Tests.Storage.Blocks;

/// <summary>The input of one block, printed briefly when a property fails.</summary>
public sealed record BlockInput(long[] Timestamps, SeriesColumn[] Columns, string?[]? Texts)
{
    public override string ToString() =>
        $"{Timestamps.Length} samples from {Timestamps[0]}, series [{string.Join(", ", Columns.Select(c => c.SeriesId))}], texts: {Texts is not null}";
}

/// <summary>FsCheck generators for blocks whose values mix every shape the codec must keep bit for bit.</summary>
public static class BlockGenerators
{
    public static readonly Gen<long> AnyLong =
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select ((long)high << 32) | (uint)low;

    private static readonly Gen<long> RegularGap = Gen.Frequency(
        (1, Gen.Constant(60_000_000L)),
        (1, Gen.Choose(-5_000, 5_000).Select(jitter => 60_000_000L + (jitter * 1000L))));

    private static readonly Gen<long> IrregularGap = Gen.Frequency(
        (6, RegularGap),
        (2, Gen.Choose(1, 1000).Select(gap => (long)gap)),
        (1, AnyLong.Select(bits => ((bits & long.MaxValue) >> 10) | 1)),
        (1, AnyLong.Select(bits => (bits & long.MaxValue) | 1)));

    /// <summary>Decimal and integer values only, whose sums stay far from overflow.</summary>
    public static readonly Gen<double> ModestValue = Gen.OneOf(
        from mantissa in Gen.Choose(-1_000_000_000, 1_000_000_000)
        from places in Gen.Choose(0, 6)
        select mantissa / Math.Pow(10, places),
        Gen.Choose(int.MinValue, int.MaxValue).Select(integer => (double)integer),
        AnyLong.Select(bits => (double)(bits & ((1L << 50) - 1))),
        AnyLong.Select(bits => (bits >>> 11) * Math.Pow(2, -53) * 100),
        Gen.Constant(-0.0),
        AnyLong.Select(bits => BitConverter.Int64BitsToDouble(bits & unchecked((long)0x800F_FFFF_FFFF_FFFF))));

    public static readonly Gen<double> AnyValue = Gen.Frequency(
        (6, ModestValue),
        (2, AnyLong.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite)),
        (1, Gen.Elements(double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), double.PositiveInfinity,
            double.NegativeInfinity, double.MaxValue, double.Epsilon, 9007199254740992.0, 9007199254740994.0, 0.1 + 0.2)));

    private static readonly Gen<string?> Text = Gen.Frequency(
        (4, Gen.Elements<string?>(null, "", "[]", """[{"host":"db.internal","port":5432,"status":"up"}]""", "ünïcødé ✓ 𝄞")),
        (1, Gen.ArrayOf(Gen.Choose(0, 0x10FFFF).Where(codePoint => codePoint is < 0xD800 or > 0xDFFF))
            .Select(codePoints => (string?)string.Concat(codePoints.Select(char.ConvertFromUtf32)))));

    public static readonly Gen<BlockInput> Block =
        from count in Gen.Choose(1, 300)
        from timestamps in Timestamps(count)
        from seriesIds in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0, 200)), (1, Gen.Choose(int.MinValue, int.MaxValue))))
        from columns in Gen.CollectToArray(seriesIds.Distinct().Take(12).Select(id => Column(id, count)))
        from texts in Gen.OneOf(Gen.Constant<string?[]?>(null), Gen.ArrayOf(Text, count).Select(texts => (string?[]?)texts))
        select new BlockInput(timestamps, columns, texts);

    public static Gen<SeriesColumn> Column(int seriesId, int count) =>
        from values in Values(count, AnyValue)
        from present in Presence(count)
        select new SeriesColumn(seriesId, values, present);

    public static Gen<double[]> Values(int count, Gen<double> value) => Gen.OneOf(
        from one in value select Enumerable.Repeat(one, count).ToArray(),
        Gen.ArrayOf(value, count),
        from start in Gen.Choose(-100_000, 100_000)
        from steps in Gen.ArrayOf(Gen.Choose(-300, 300), count)
        from places in Gen.Choose(1, 3)
        select Walk(start, steps, places));

    public static Gen<bool[]?> Presence(int count) => Gen.Frequency(
        (3, Gen.Constant<bool[]?>(null)),
        (1, Gen.Fresh(() => (bool[]?)Enumerable.Repeat(true, count).ToArray())),
        (1, Gen.Fresh(() => (bool[]?)new bool[count])),
        (3, from percentPresent in Gen.Choose(0, 100)
            from rolls in Gen.ArrayOf(Gen.Choose(0, 99), count)
            select (bool[]?)rolls.Select(roll => roll < percentPresent).ToArray()));

    private static double[] Walk(int start, int[] steps, int places)
    {
        var values = new double[steps.Length];
        long mantissa = start;
        for (int i = 0; i < steps.Length; i++)
        {
            mantissa += steps[i];
            values[i] = mantissa / Math.Pow(10, places);
        }
        return values;
    }

    private static Gen<long[]> Timestamps(int count) =>
        from gap in Gen.Elements(RegularGap, IrregularGap)
        from gaps in Gen.ArrayOf(gap, count - 1)
        from startBits in Gen.Frequency((1, AnyLong), (1, Gen.Choose(0, int.MaxValue).Select(offset => 1_796_000_000_000_000 + (long)offset)))
        select Accumulate(startBits, gaps);

    /// <summary>Halves the gaps until they fit between long.MinValue and long.MaxValue, then places the start where they fit.</summary>
    private static long[] Accumulate(long startBits, long[] gaps)
    {
        while (gaps.Aggregate(UInt128.Zero, (sum, gap) => sum + (ulong)gap) > ulong.MaxValue)
        {
            gaps = gaps.Select(gap => Math.Max(1, gap / 2)).ToArray();
        }
        ulong span = (ulong)gaps.Aggregate(UInt128.Zero, (sum, gap) => sum + (ulong)gap);
        ulong room = ulong.MaxValue - span;
        ulong offset = unchecked((ulong)(startBits - long.MinValue));
        long start = offset <= room ? startBits : unchecked(long.MinValue + (long)(offset % (room + 1)));
        var timestamps = new long[gaps.Length + 1];
        timestamps[0] = start;
        for (int i = 0; i < gaps.Length; i++)
        {
            timestamps[i + 1] = unchecked(timestamps[i] + gaps[i]);
        }
        return timestamps;
    }
}
