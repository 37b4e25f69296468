using System.Security.Cryptography;
using Monitoring.Abstractions.Access;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Access;

/// <summary>
/// Owns the enrollment tokens and the agent keys, hashed, under one version in grain storage. Agents enroll through it once;
/// each API instance's key cache asks it for changes every few seconds, so ingest never calls it.
/// </summary>
public sealed partial class AgentKeyGrain(
    [PersistentState("agent-keys", StorageNames.Monitoring)] IPersistentState<AgentKeyState> state,
    TimeProvider time,
    ILogger<AgentKeyGrain> logger) : Grain, IAgentKeyGrain
{
    public async Task AddEnrollmentToken(EnrollmentTokenRecord token)
    {
        state.State.EnrollmentTokens.Add(token with { Uses = 0 });
        await CommitAsync();
        LogTokenCreated(logger, token.Id, token.MaxUses, token.ExpiresAt);
    }

    public Task<IReadOnlyList<EnrollmentTokenRecord>> GetEnrollmentTokens() =>
        Task.FromResult<IReadOnlyList<EnrollmentTokenRecord>>([.. state.State.EnrollmentTokens]);

    public async Task<EnrollmentTokenRecord?> RemoveEnrollmentToken(string id)
    {
        var removed = state.State.EnrollmentTokens.Find(t => t.Id == id);
        if (removed is null)
        {
            return null;
        }

        state.State.EnrollmentTokens.Remove(removed);
        await CommitAsync();
        return removed;
    }

    public async Task<EnrollOutcome> Enroll(string tokenId, byte[] tokenHash, AgentKeyRecord key)
    {
        var index = state.State.EnrollmentTokens.FindIndex(t => t.Id == tokenId);
        if (index < 0 || !CryptographicOperations.FixedTimeEquals(state.State.EnrollmentTokens[index].Hash, tokenHash))
        {
            return EnrollOutcome.UnknownToken;
        }

        var token = state.State.EnrollmentTokens[index];
        if (token.ExpiresAt <= time.GetUtcNow())
        {
            return EnrollOutcome.Expired;
        }

        if (token.Uses >= token.MaxUses)
        {
            return EnrollOutcome.UsedUp;
        }

        if (state.State.Keys.Exists(k => k.Prefix == key.Prefix))
        {
            return EnrollOutcome.PrefixTaken;
        }

        state.State.EnrollmentTokens[index] = token with { Uses = token.Uses + 1 };
        state.State.Keys.Add(key with { EnrollmentTokenId = tokenId });
        await CommitAsync();
        LogEnrolled(logger, key.AgentId, key.Prefix, tokenId);
        return EnrollOutcome.Enrolled;
    }

    public Task<IReadOnlyList<AgentKeyRecord>> GetKeys() => Task.FromResult<IReadOnlyList<AgentKeyRecord>>([.. state.State.Keys]);

    public async Task<AgentKeyRecord?> RevokeKey(string prefix)
    {
        var revoked = state.State.Keys.Find(k => k.Prefix == prefix);
        if (revoked is null)
        {
            return null;
        }

        state.State.Keys.Remove(revoked);
        await CommitAsync();
        LogRevoked(logger, revoked.AgentId, prefix);
        return revoked;
    }

    public Task<AgentKeySet?> GetKeysIfChanged(long knownVersion) =>
        Task.FromResult(knownVersion == state.State.Version ? null : new AgentKeySet(state.State.Version, [.. state.State.Keys]));

    private Task CommitAsync()
    {
        state.State.Version++;
        return state.WriteOrForgetAsync();
    }

    [LoggerMessage(1, LogLevel.Information, "Enrollment token {TokenId} created: {MaxUses} uses until {ExpiresAt}")]
    private static partial void LogTokenCreated(ILogger logger, string tokenId, int maxUses, DateTimeOffset expiresAt);

    [LoggerMessage(2, LogLevel.Information, "Agent {AgentId} enrolled with enrollment token {TokenId}: key {Prefix}")]
    private static partial void LogEnrolled(ILogger logger, string agentId, string prefix, string tokenId);

    [LoggerMessage(3, LogLevel.Information, "Agent key {Prefix} of agent {AgentId} revoked")]
    private static partial void LogRevoked(ILogger logger, string agentId, string prefix);
}

[GenerateSerializer, Alias("Monitoring.AgentKeyState")]
public sealed class AgentKeyState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public List<EnrollmentTokenRecord> EnrollmentTokens { get; set; } = [];

    [Id(2)]
    public List<AgentKeyRecord> Keys { get; set; } = [];
}
