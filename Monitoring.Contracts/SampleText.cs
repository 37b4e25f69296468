namespace Monitoring.Contracts;

/// <summary>
/// Characters no name in a sample may hold: control characters (a newline makes a look-alike, an escape sequence rewrites a
/// terminal) and the Unicode formatting characters that reorder or hide text (bidi embeddings, overrides and isolates,
/// marks, zero-width characters). The API refuses them; the agent replaces them in names it does not control.
/// </summary>
public static class SampleText
{
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u061C' or '\u00AD' or '\uFEFF' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2069');
}
