using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Contracts;

namespace Monitoring.Abstractions;

/// <summary>
/// History answers as the API writes them (web defaults, strict numbers, the source-generated metadata): the silo
/// serializes a large answer once, and the API passes the bytes on without parsing them again.
/// </summary>
public static class HistoryJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = MonitoringJsonContext.Default,
    };

    public static byte[] Serialize(HistoryResponse response) =>
        JsonSerializer.SerializeToUtf8Bytes(response, Options.GetTypeInfo(typeof(HistoryResponse)));
}
