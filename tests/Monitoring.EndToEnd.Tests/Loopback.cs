using System.Net;
using System.Net.Sockets;

namespace Monitoring.EndToEnd.Tests;

internal static class Loopback
{
    /// <summary>
    /// Distinct ports that are free on loopback now, so test clusters never meet a silo on Orleans' default ports; all are
    /// held open together while choosing so none is handed out twice.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
