namespace Monitoring.Agent.Configuration;

/// <summary>Reads <c>KEY=VALUE</c> lines: <c>#</c> comments, an optional <c>export</c> prefix, optional single or double quotes.</summary>
internal static class DotEnvFile
{
    public static Dictionary<string, string> Parse(TextReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } rawLine)
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            values[line[..equals].TrimEnd()] = Unquote(line[(equals + 1)..].Trim());
        }

        return values;
    }

    public static Dictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = File.OpenText(path);
        return Parse(reader);
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\''))
        {
            var close = value.IndexOf(value[0], 1);
            if (close > 0)
            {
                return value[1..close];
            }
        }

        // An unquoted value ends where a comment starts.
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        return comment >= 0 ? value[..comment].TrimEnd() : value;
    }
}
