namespace Monitoring.Agent.Configuration;

/// <summary>
/// Layers the agent's settings: appsettings.json &lt; <c>.env</c> beside the executable &lt; <c>.env</c> in the current
/// directory &lt; real environment variables. Every <c>.env</c> key is also offered at the root (so <c>OTEL_*</c> in a
/// <c>.env</c> reaches OpenTelemetry), except where a real environment variable of that name already exists.
/// </summary>
internal static class AgentSettingsSource
{
    public static Dictionary<string, string?> Build(
        IEnumerable<IReadOnlyDictionary<string, string>> dotEnvFilesInOrder,
        Func<string, string?> environment)
    {
        var fromFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in dotEnvFilesInOrder)
        {
            foreach (var (key, value) in file)
            {
                fromFiles[key] = value;
            }
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in fromFiles)
        {
            if (environment(key) is null)
            {
                settings[key] = value;
            }
        }

        foreach (var name in AgentOptions.SettingNames)
        {
            if ((environment(name) ?? fromFiles.GetValueOrDefault(name)) is { } value)
            {
                settings[$"{AgentOptions.SectionName}:{name}"] = value;
            }
        }

        return settings;
    }

    /// <summary>The <c>.env</c> files to read, lowest precedence first; the same directory is read once.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> DotEnvFiles(string baseDirectory, string currentDirectory)
    {
        var beside = Path.GetFullPath(Path.Combine(baseDirectory, ".env"));
        var current = Path.GetFullPath(Path.Combine(currentDirectory, ".env"));
        yield return DotEnvFile.Read(beside);
        if (current != beside)
        {
            yield return DotEnvFile.Read(current);
        }
    }
}
