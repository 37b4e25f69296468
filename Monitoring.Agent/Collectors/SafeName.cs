using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>
/// Names the agent does not choose (a driver's sensor label, a process' command name, which any local user can set) made
/// acceptable to the API: unsafe characters replaced, length bounded. One bad name must never get a whole sample refused.
/// </summary>
internal static class SafeName
{
    public static string Clean(string name, int maxLength)
    {
        var length = name.Length <= maxLength ? name.Length : char.IsHighSurrogate(name[maxLength - 1]) ? maxLength - 1 : maxLength;
        var needsReplacing = false;
        for (var i = 0; i < length && !needsReplacing; i++)
        {
            needsReplacing = SampleText.IsUnsafe(name[i]);
        }

        if (!needsReplacing)
        {
            return length == name.Length ? name : name[..length];
        }

        return string.Create(length, name, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = SampleText.IsUnsafe(source[i]) ? '\uFFFD' : source[i];
            }
        });
    }
}
