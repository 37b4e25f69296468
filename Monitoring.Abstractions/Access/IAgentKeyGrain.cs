namespace Monitoring.Abstractions.Access;

/// <summary>
/// The cluster's enrollment tokens and agent keys, both known only by their SHA-256 (one grain, key 0). Called by admins,
/// by enrolling agents and by each API instance's key cache every few seconds, never per sample.
/// </summary>
[Alias("Monitoring.IAgentKeyGrain")]
public interface IAgentKeyGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a token; <see cref="EnrollmentTokenRecord.Uses"/> starts at 0.</summary>
    [Alias("AddEnrollmentToken")]
    Task AddEnrollmentToken(EnrollmentTokenRecord token);

    [Alias("GetEnrollmentTokens")]
    Task<IReadOnlyList<EnrollmentTokenRecord>> GetEnrollmentTokens();

    /// <summary>Removes token <paramref name="id"/>; the removed token, or null when there was none.</summary>
    [Alias("RemoveEnrollmentToken")]
    Task<EnrollmentTokenRecord?> RemoveEnrollmentToken(string id);

    /// <summary>Spends one use of token <paramref name="tokenId"/> (whose SHA-256 must be <paramref name="tokenHash"/>) on <paramref name="key"/>.</summary>
    [Alias("Enroll")]
    Task<EnrollOutcome> Enroll(string tokenId, byte[] tokenHash, AgentKeyRecord key);

    [Alias("GetKeys")]
    Task<IReadOnlyList<AgentKeyRecord>> GetKeys();

    /// <summary>Revokes the key with <paramref name="prefix"/>; the revoked key, or null when there was none.</summary>
    [Alias("RevokeKey")]
    Task<AgentKeyRecord?> RevokeKey(string prefix);

    /// <summary>The keys when their version differs from <paramref name="knownVersion"/>, else null: what each API instance caches.</summary>
    [Alias("GetKeysIfChanged")]
    Task<AgentKeySet?> GetKeysIfChanged(long knownVersion);
}

[GenerateSerializer, Alias("Monitoring.EnrollOutcome")]
public enum EnrollOutcome
{
    Enrolled,
    UnknownToken,
    Expired,
    UsedUp,
    PrefixTaken,
}

/// <summary>An enrollment token: its id (the part of the token before the secret), the token's SHA-256, its expiry and uses.</summary>
[GenerateSerializer, Immutable, Alias("Monitoring.EnrollmentTokenRecord")]
public sealed record EnrollmentTokenRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] int MaxUses,
    [property: Id(4)] int Uses,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? CreatedBy);

/// <summary>An agent key: its prefix (the part of the key before the secret), the key's SHA-256 and the one agent id it reports for.</summary>
[GenerateSerializer, Immutable, Alias("Monitoring.AgentKeyRecord")]
public sealed record AgentKeyRecord(
    [property: Id(0)] string Prefix,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] string AgentId,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string EnrollmentTokenId);

[GenerateSerializer, Immutable, Alias("Monitoring.AgentKeySet")]
public sealed record AgentKeySet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<AgentKeyRecord> Keys);
