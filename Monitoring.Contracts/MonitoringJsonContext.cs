using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>Source-generated JSON metadata for every wire type: required by the Native AOT agent, faster everywhere.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MetricsReport))]
[JsonSerializable(typeof(IReadOnlyList<MetricsReport>))]
[JsonSerializable(typeof(MetricsReport[]))]
[JsonSerializable(typeof(IngestAccepted))]
[JsonSerializable(typeof(AccessState))]
[JsonSerializable(typeof(AgentList))]
[JsonSerializable(typeof(AgentSummary))]
[JsonSerializable(typeof(LatestMetrics))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(SeedHistoryResponse))]
[JsonSerializable(typeof(LiveSample))]
[JsonSerializable(typeof(IReadOnlyList<NetworkCheck>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
[JsonSerializable(typeof(AlertRule))]
[JsonSerializable(typeof(AlertRuleList))]
[JsonSerializable(typeof(AlertRulePreviewRequest))]
[JsonSerializable(typeof(AlertRulePreview))]
[JsonSerializable(typeof(AlertView))]
[JsonSerializable(typeof(StorageStats))]
[JsonSerializable(typeof(AlertList))]
[JsonSerializable(typeof(AlertEvent))]
[JsonSerializable(typeof(AlertHistory))]
[JsonSerializable(typeof(NotificationAttempt))]
[JsonSerializable(typeof(NotificationList))]
[JsonSerializable(typeof(WebhookNotification))]
[JsonSerializable(typeof(IReadOnlyList<AlertmanagerAlert>))]
[JsonSerializable(typeof(Silence))]
[JsonSerializable(typeof(SilenceList))]
[JsonSerializable(typeof(Acknowledgement))]
[JsonSerializable(typeof(SensorMetrics))]
[JsonSerializable(typeof(TopProcesses))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
