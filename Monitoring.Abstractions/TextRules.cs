namespace Monitoring.Abstractions;

/// <summary>
/// What a name or label may not hold: control characters (a newline makes a look-alike, an escape sequence rewrites a
/// terminal) and the Unicode formatting characters that reorder or hide text (bidi embeddings, overrides and isolates,
/// marks, zero-width characters), with which "web-01" and a name that only looks like it could be told apart by no one.
/// </summary>
public static class TextRules
{
    public const string UnsafeMessage = "must not contain control characters or invisible formatting characters (bidi overrides, zero-width characters).";

    public static bool HasUnsafeCharacter(string? text)
    {
        foreach (var c in text ?? "")
        {
            if (char.IsControl(c) || c is '\u061C' or '\u00AD' or '\uFEFF' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2069'))
            {
                return true;
            }
        }

        return false;
    }
}
