namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// One series of a block: <see cref="Values"/> has one entry per timestamp of the block; where <see cref="Present"/> is
/// given and false, the entry is ignored (absent sample). <see cref="Present"/> == null means present at every timestamp.
/// </summary>
public sealed record SeriesColumn(int SeriesId, double[] Values, bool[]? Present)
{
    /// <summary>Whether the sample at <paramref name="index"/> carries a value of this series.</summary>
    public bool IsPresent(int index) => Present is null || Present[index];
}
