using System.Globalization;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// The environment that puts a real silo and API on loopback, in a cluster of their own: <c>ports</c> are the silo's
/// silo-to-silo port, its gateway, its HTTP port and the API's HTTP port, in that order (<see cref="Loopback.FreePorts"/>).
/// </summary>
internal static class LoopbackCluster
{
    /// <summary>What the silo and the API share: the ports and the cluster's identity.</summary>
    public static Dictionary<string, string> Cluster(int[] ports, string clusterId) => new()
    {
        ["Cluster__SiloPort"] = Text(ports[0]),
        ["Cluster__GatewayPort"] = Text(ports[1]),
        ["Cluster__GatewayAddress"] = "127.0.0.1",
        ["Cluster__ServiceId"] = "monitoring-e2e",
        ["Cluster__ClusterId"] = clusterId,
    };

    /// <summary>The silo's environment on the SQLite file <paramref name="database"/>.</summary>
    public static Dictionary<string, string> Silo(int[] ports, string clusterId, string database) => new(Cluster(ports, clusterId))
    {
        ["ASPNETCORE_URLS"] = SiloUrl(ports),
        ["ConnectionStrings__monitoring"] = $"Data Source={database}",
    };

    public static string SiloUrl(int[] ports) => $"http://127.0.0.1:{Text(ports[2])}";

    public static string ApiUrl(int[] ports) => $"http://127.0.0.1:{Text(ports[3])}";

    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
