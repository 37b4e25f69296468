namespace Monitoring.Abstractions;

/// <summary>
/// Maps agent ids to grain keys. Orleans' ADO.NET storage reads an all-hex string key as an integer
/// ("001" and "1" would share a row), so every key carries a prefix that is not a hex digit.
/// </summary>
public static class AgentGrainKeys
{
    private const string Prefix = "agent/";

    public static string ToGrainKey(string agentId) => Prefix + agentId;

    public static string ToAgentId(string grainKey) => grainKey[Prefix.Length..];

    public static IAgentGrain GetAgentGrain(this IGrainFactory grains, string agentId) =>
        grains.GetGrain<IAgentGrain>(ToGrainKey(agentId));
}
