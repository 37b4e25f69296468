using Monitoring.Contracts;

namespace Monitoring.Abstractions;

/// <summary>What a name or label may not hold: the characters of <see cref="SampleText.IsUnsafe"/>, with which "web-01" and a name that only looks like it could be told apart by no one.</summary>
public static class TextRules
{
    public const string UnsafeMessage = "must not contain control characters or invisible formatting characters (bidi overrides, zero-width characters).";

    public static bool HasUnsafeCharacter(string? text)
    {
        foreach (var c in text ?? "")
        {
            if (SampleText.IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }
}
