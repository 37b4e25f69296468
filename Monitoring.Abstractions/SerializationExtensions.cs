using Monitoring.Contracts;
using Orleans.Serialization;

namespace Monitoring.Abstractions;

public static class SerializationExtensions
{
    private static readonly HashSet<Type> WithSurrogates =
        [typeof(MetricsReport), typeof(SystemMetrics), typeof(MemoryMetrics), typeof(DiskMetrics), typeof(NetworkCheck)];

    /// <summary>
    /// Lets the wire records of <c>Monitoring.Contracts</c> cross grain calls as they are: the contracts project stays
    /// free of Orleans for the Native AOT agent. The ingest path's records have surrogates (<c>ContractSurrogates.cs</c>);
    /// the rest travel as JSON with their source-generated metadata.
    /// </summary>
    public static ISerializerBuilder AddMonitoringContracts(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(
            isSupported: type => type.Namespace == typeof(MetricsReport).Namespace && !WithSurrogates.Contains(type),
            jsonSerializerOptions: MonitoringJsonContext.Default.Options);
}
