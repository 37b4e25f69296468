namespace Monitoring.Abstractions;

/// <summary>The fleet in other systems' formats, read from the store; a stateless worker on every silo.</summary>
[Alias("Monitoring.IFleetExportGrain")]
public interface IFleetExportGrain : IGrainWithIntegerKey
{
    /// <summary>Every agent's newest values and every firing alert in Prometheus' text exposition format (UTF-8).</summary>
    [Alias("Prometheus")]
    Task<byte[]> Prometheus();
}
