namespace Monitoring.Silo.Ingest;

/// <summary>
/// An agent's registration as the previous release kept it in grain state, beside the <c>agents</c> row: read once at
/// activation to carry its name and last-seen time into the row, then cleared. The row is the one registration now.
/// </summary>
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
