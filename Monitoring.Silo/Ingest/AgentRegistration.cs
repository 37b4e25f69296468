namespace Monitoring.Silo.Ingest;

/// <summary>An agent's persisted registration; written when it changes, never per sample.</summary>
[GenerateSerializer, Alias("Monitoring.AgentRegistration")]
public sealed class AgentRegistration
{
    [Id(0)]
    public string AgentId { get; set; } = string.Empty;

    [Id(1)]
    public string AgentName { get; set; } = string.Empty;

    [Id(2)]
    public DateTimeOffset FirstSeen { get; set; }

    [Id(3)]
    public DateTimeOffset LastSeen { get; set; }
}
