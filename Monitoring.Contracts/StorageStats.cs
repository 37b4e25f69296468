using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary><c>GET /api/v1/storage</c>: what history holds and the disk it takes, per tier, for capacity planning.</summary>
public sealed record StorageStats
{
    /// <summary>Samples stored: compacted, waiting for compaction, and not yet converted from a previous release.</summary>
    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    /// <summary>Bytes the database file uses (pages in use, WAL excluded).</summary>
    [JsonPropertyName("bytes")]
    public required long Bytes { get; init; }

    [JsonPropertyName("bytes_per_sample")]
    public double? BytesPerSample { get; init; }

    /// <summary>Samples in the head, waiting for their hour to be compacted into blocks.</summary>
    [JsonPropertyName("pending_compaction")]
    public required long PendingCompaction { get; init; }

    /// <summary>Samples a previous release stored that the upgrade has not converted yet.</summary>
    [JsonPropertyName("pending_upgrade")]
    public required long PendingUpgrade { get; init; }

    [JsonPropertyName("tiers")]
    public required IReadOnlyList<StorageTier> Tiers { get; init; }
}

/// <summary>One tier: <c>head</c>, <c>raw</c> (blocks), <c>5m</c>, <c>1h</c>, or <c>previous_release</c>.</summary>
public sealed record StorageTier(
    [property: JsonPropertyName("tier")] string Tier,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("samples")] long? Samples,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("oldest")] DateTimeOffset? Oldest,
    [property: JsonPropertyName("newest")] DateTimeOffset? Newest);
