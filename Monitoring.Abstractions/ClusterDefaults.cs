namespace Monitoring.Abstractions;

/// <summary>
/// The single-host cluster that silo and API agree on without configuration (section <c>Cluster</c> overrides each value):
/// Orleans' default ports on loopback.
/// </summary>
public static class ClusterDefaults
{
    public const string SectionName = "Cluster";
    public const int SiloPort = 11111;
    public const int GatewayPort = 30000;
    public const string GatewayAddress = "127.0.0.1";
    public const string ServiceId = "monitoring";
    public const string ClusterId = "monitoring";

    /// <summary>
    /// How long the API waits for an ingest call (a sample's commit) before answering 503: an agent's request caught in
    /// flight by a silo's death is answered within 5 s, not after Orleans' default 30 s (Orleans notices an expired call
    /// up to a second late, and a busy machine adds to that). A commit takes milliseconds.
    /// </summary>
    public const string IngestCallTimeout = "00:00:03";

    /// <summary>How long the API waits for any other grain call (queries, rules, silences) before answering 503.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The calls that replay or scan long stretches of history (rule previews, alert history) wait this long instead.</summary>
    public const string LongCallTimeout = "00:00:30";
}
