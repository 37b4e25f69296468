using Monitoring.Contracts;
using Orleans.Serialization;

namespace Monitoring.Abstractions;

public static class SerializationExtensions
{
    /// <summary>
    /// Lets the wire records of <c>Monitoring.Contracts</c> cross grain calls as they are, serialized with their
    /// source-generated JSON metadata: the contracts project stays free of Orleans for the Native AOT agent.
    /// </summary>
    public static ISerializerBuilder AddMonitoringContracts(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(
            isSupported: type => type.Namespace == typeof(MetricsReport).Namespace,
            jsonSerializerOptions: MonitoringJsonContext.Default.Options);
}
