using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Monitoring.Api.Access;

/// <summary>
/// The shape of enrollment tokens (<c>menr_&lt;id&gt;_&lt;secret&gt;</c>) and agent keys (<c>mkey_&lt;prefix&gt;_&lt;secret&gt;</c>):
/// 16 hex digits that name it in lists, then 256 random bits. Only the SHA-256 of the whole text is stored.
/// </summary>
internal static class AgentKeyFormat
{
    public const string EnrollmentTokenKind = "menr_";
    public const string AgentKeyKind = "mkey_";
    private const int IdLength = 16;
    private const int SecretLength = 64;

    public static (string Id, string Text) New(string kind)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        return (id, kind + id + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretLength / 2)));
    }

    /// <summary>Whether <paramref name="text"/> has the shape of <paramref name="kind"/>, and its id.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, string kind, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (text is null || text.Length != kind.Length + IdLength + 1 + SecretLength || !text.StartsWith(kind, StringComparison.Ordinal)
            || text[kind.Length + IdLength] != '_' || !IsLowerHex(text.AsSpan(kind.Length, IdLength)) || !IsLowerHex(text.AsSpan(kind.Length + IdLength + 1)))
        {
            return false;
        }

        id = text.Substring(kind.Length, IdLength);
        return true;
    }

    /// <summary>Whether a presented bearer token means to be an agent key (so an unknown one is refused even while ingest is open).</summary>
    public static bool LooksLikeAgentKey(string? text) => text?.StartsWith(AgentKeyKind, StringComparison.Ordinal) == true;

    private static bool IsLowerHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdef");
}
