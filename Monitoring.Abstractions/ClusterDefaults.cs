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
    public const string ServiceId = "monitoring";
    public const string ClusterId = "monitoring";
}
