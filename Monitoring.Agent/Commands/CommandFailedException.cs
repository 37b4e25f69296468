namespace Monitoring.Agent.Commands;

/// <summary>An external command that could not start, overran its time limit, or printed what its parser cannot read.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
