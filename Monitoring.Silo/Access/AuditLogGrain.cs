using Monitoring.Abstractions.Access;
using Monitoring.Contracts;
using Orleans.Concurrency;

namespace Monitoring.Silo.Access;

/// <summary>Appends to and reads the audit log on whichever silo receives the call; the store orders the entries.</summary>
[StatelessWorker]
public sealed class AuditLogGrain(AuditLog log, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IAuditLogGrain
{
    public Task<AuditEntry> Append(AuditEntry entry) => log.AppendAsync(entry, time.GetUtcNow());

    public Task<AuditPage> Read(long? before, int limit) => log.ReadAsync(before, limit);
}
