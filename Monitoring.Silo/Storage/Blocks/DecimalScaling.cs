namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// Finds the power of ten that turns doubles into integers exactly: v == (double)m / 10^d bit for bit, |m| &lt;= 2^53.
/// Agent values mostly carry a few decimals, and small integers compress far better than their binary fractions.
/// </summary>
internal static class DecimalScaling
{
    public const int MaxExponent = 15;

    private const double MaxMantissa = 9007199254740992; // 2^53: every integer up to here is an exact double

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>The smallest exponent at which every value scales exactly, with their mantissas; false when none does.</summary>
    public static bool TryFindExponent(ReadOnlySpan<double> values, Span<long> mantissas, out int exponent)
    {
        exponent = 0;
        int i = 0;
        while (i < values.Length)
        {
            if (TryScale(values[i], exponent, out mantissas[i]))
            {
                i++;
                continue;
            }
            do
            {
                if (++exponent > MaxExponent)
                {
                    return false;
                }
            }
            while (!TryScale(values[i], exponent, out mantissas[i]));
            // The values before i scaled at a smaller exponent; each must be checked again at this one.
            i = 0;
        }
        return true;
    }

    public static double Unscale(long mantissa, int exponent) => mantissa / PowersOfTen[exponent];

    private static bool TryScale(double value, int exponent, out long mantissa)
    {
        double scaled = Math.Round(value * PowersOfTen[exponent]);
        // Written so that NaN fails too.
        if (!(Math.Abs(scaled) <= MaxMantissa))
        {
            mantissa = 0;
            return false;
        }
        mantissa = (long)scaled;
        // -0.0 fails here: it comes back as +0.0.
        return BitConverter.DoubleToInt64Bits(Unscale(mantissa, exponent)) == BitConverter.DoubleToInt64Bits(value);
    }
}
