namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// A decoded block: the samples' timestamps, the decoded series in stored order, and one optional text per timestamp
/// (null when the block has none or they were not asked for).
/// </summary>
public sealed record SeriesBlock(long[] Timestamps, IReadOnlyList<SeriesColumn> Columns, string?[]? Texts);
