using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Monitoring.ServiceDefaults;

/// <summary>
/// Drops every trace that begins with an Orleans grain call, unless <see cref="TelemetryOptions.TracePeriodicWork"/> asks
/// for them. A request's grain calls always have the request's span as parent, so a grain call that begins a trace was
/// started by a timer, a poll or a sweep inside the silo or the client.
/// </summary>
/// <remarks>
/// The span is unmarked as recorded when it starts, as ASP.NET Core's filter does; it still exists, so Orleans carries
/// its not-recorded trace context to the grain and nothing the grain does for it is recorded. A grain call made from such
/// work gets no span of its own and so arrives without a context: its grain-side span begins a trace and is dropped here too.
/// </remarks>
internal sealed class PeriodicWorkFilter(IOptions<TelemetryOptions> options) : BaseProcessor<Activity>
{
    private const string OrleansSourcePrefix = "Microsoft.Orleans.";

    private readonly bool _tracePeriodicWork = options.Value.TracePeriodicWork;

    public override void OnStart(Activity data)
    {
        if (!_tracePeriodicWork && data.ParentId is null && data.Source.Name.StartsWith(OrleansSourcePrefix, StringComparison.Ordinal))
        {
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
