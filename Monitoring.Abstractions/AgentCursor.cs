using System.Buffers.Text;
using System.Text;

namespace Monitoring.Abstractions;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /api/v1/agents</c>: the last agent id of a page, base64url-encoded, so that callers
/// pass it back as they got it. The next page starts after that id.
/// </summary>
public static class AgentCursor
{
    /// <summary>Pages hold at most this many agents; it is also the default.</summary>
    public const int MaxLimit = 1000;

    public static string Encode(string lastAgentId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastAgentId));

    /// <summary>The text a cursor carries (the caller checks that it is an agent id), or null when it is no base64url.</summary>
    public static string? Decode(string cursor)
    {
        if (cursor.Length > 128 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
    }
}
