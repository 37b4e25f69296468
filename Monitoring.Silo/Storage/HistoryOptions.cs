using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Storage;

/// <summary>Settings of section <c>History</c>: when samples are compacted into blocks and how large an answer may be.</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>
    /// An hour of samples is compacted once its end is this far in the past and no sample has arrived for it for as long
    /// (late samples are merged later, once their hour is quiet again).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CompactionDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each silo looks for hours to compact.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most numbers one history answer carries (a sample's values, a bucket's count and aggregates); more sets <c>truncated</c>.</summary>
    [Range(1000, 10_000_000)]
    public int MaxValuesPerAnswer { get; set; } = 250_000;
}
