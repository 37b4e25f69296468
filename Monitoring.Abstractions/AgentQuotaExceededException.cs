namespace Monitoring.Abstractions;

/// <summary>
/// A new agent's sample met the cluster's agent quota (<c>Quotas:MaxAgents</c>): nothing was stored. The API answers it
/// 429 with Retry-After, so an agent keeps its samples and tries again.
/// </summary>
[GenerateSerializer, Alias("Monitoring.AgentQuotaExceededException")]
public sealed class AgentQuotaExceededException : Exception
{
    public AgentQuotaExceededException()
    {
    }

    public AgentQuotaExceededException(string message)
        : base(message)
    {
    }

    public AgentQuotaExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AgentQuotaExceededException(string agentId, int limit)
        : base($"The cluster holds its maximum of {limit} agents (Quotas:MaxAgents); agent '{agentId}' is not registered.")
    {
        AgentId = agentId;
        Limit = limit;
    }

    [Id(0)]
    public string? AgentId { get; init; }

    [Id(1)]
    public int Limit { get; init; }
}
