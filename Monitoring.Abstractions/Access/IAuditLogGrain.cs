using Monitoring.Contracts;

namespace Monitoring.Abstractions.Access;

/// <summary>The audit log of admin actions, kept in the silo's store; a stateless worker on every silo.</summary>
[Alias("Monitoring.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    /// <summary>Appends the action durably, dated now; returns it with its id and time.</summary>
    [Alias("Append")]
    Task<AuditEntry> Append(AuditEntry entry);

    /// <summary>Up to <paramref name="limit"/> entries older than the entry <paramref name="before"/> (the newest when null), newest first.</summary>
    [Alias("Read")]
    Task<AuditPage> Read(long? before, int limit);
}
