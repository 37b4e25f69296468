using Monitoring.Contracts;
using Orleans.Serialization.Cloning;

namespace Monitoring.Abstractions;

// Wire records are immutable once built (init-only records; nothing changes their lists after deserialization), so a
// grain call inside one process (the all-in-one node, a grain calling a grain) hands them over instead of deep-copying
// them: through the surrogates for a sample, and through a JSON round trip for a query answer such as the latest sample.

[RegisterCopier]
public sealed class MetricsReportCopier : ShallowCopier<MetricsReport>;

[RegisterCopier]
public sealed class LatestMetricsCopier : ShallowCopier<LatestMetrics>;
