using FsCheck;
using FsCheck.Fluent;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Tests.Storage.Blocks;

public sealed class SampleRowCodecTests
{
    [Fact]
    public void Any_row_round_trips_bit_for_bit()
    {
        var rows = Gen.ListOf(
            from seriesId in Gen.Frequency((3, Gen.Choose(0, 500)), (1, Gen.Choose(int.MinValue, int.MaxValue)))
            from value in BlockGenerators.AnyValue
            select KeyValuePair.Create(seriesId, value));

        Prop.ForAll(rows.ToArbitrary(), row =>
        {
            var decoded = SampleRowCodec.Decode(SampleRowCodec.Encode([.. row]));

            Assert.Equal(row.Select(pair => pair.Key), decoded.Select(pair => pair.Key));
            Assert.Equal(
                row.Select(pair => BitConverter.DoubleToInt64Bits(pair.Value)),
                decoded.Select(pair => BitConverter.DoubleToInt64Bits(pair.Value)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void A_decimal_value_takes_its_id_its_exponent_and_its_mantissa_and_any_other_value_its_raw_bits()
    {
        Assert.Equal([3, 1, 0xFA, 0x01], SampleRowCodec.Encode([KeyValuePair.Create(3, 12.5)]));
        Assert.Equal(10, SampleRowCodec.Encode([KeyValuePair.Create(3, Math.PI)]).Length);
        Assert.Equal(SampleRowCodec.RawTag, SampleRowCodec.Encode([KeyValuePair.Create(3, -0.0)])[1]);
    }

    [Fact]
    public void Random_bytes_fail_to_decode_only_with_InvalidDataException()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

        Prop.ForAll(bytes.ToArbitrary(), row =>
        {
            try
            {
                SampleRowCodec.Decode(row);
            }
            catch (InvalidDataException)
            {
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }
}
