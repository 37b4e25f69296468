using System.ComponentModel.DataAnnotations;

namespace Monitoring.Agent.Configuration;

/// <summary>An absolute directory path the agent can create: its nearest existing ancestor accepts a new file.</summary>
/// <remarks>Probes without creating the directory, so validating a setting leaves nothing behind.</remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CreatableDirectoryAttribute : ValidationAttribute
{
    public override bool IsValid(object? value)
    {
        if (value is null or "")
        {
            return true;
        }

        if (value is not string path || !Path.IsPathFullyQualified(path))
        {
            return false;
        }

        var existing = new DirectoryInfo(path);
        while (!existing.Exists)
        {
            if (File.Exists(existing.FullName) || existing.Parent is null)
            {
                return false;
            }

            existing = existing.Parent;
        }

        try
        {
            using var probe = File.Create(Path.Combine(existing.FullName, $".monitoring-agent-probe-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
