using System.Globalization;

namespace Monitoring.Bench.History;

/// <summary>Exact percentiles (nearest rank) of every value kept.</summary>
public sealed class Percentiles
{
    private readonly double[] _sorted;

    private Percentiles(double[] sorted) => _sorted = sorted;

    public int Count => _sorted.Length;

    public static Percentiles Of(IEnumerable<double> values) => new([.. values.Order()]);

    public double At(double percent) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public string Summary(string format) => string.Join(
        "  ",
        new[] { 50.0, 90, 99 }.Select(p => string.Create(CultureInfo.InvariantCulture, $"p{p:0} {At(p).ToString(format, CultureInfo.InvariantCulture)}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"max {At(100).ToString(format, CultureInfo.InvariantCulture)}")));
}
