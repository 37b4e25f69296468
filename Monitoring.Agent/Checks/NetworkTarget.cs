namespace Monitoring.Agent.Checks;

public enum CheckKind
{
    Icmp,
    Tcp,
    Http,
}

/// <summary>
/// One entry of <c>NETWORK_CHECKS</c>: <c>icmp://host</c> (<c>icmp://host:port</c> names the TCP port tried where ICMP is
/// not permitted), <c>tcp://host:port</c> or an <c>http(s)://</c> URL.
/// </summary>
public sealed record NetworkTarget(CheckKind Kind, string Host, int? Port, Uri? Url)
{
    /// <summary>The server accepts at most this many checks in one sample.</summary>
    public const int MaxCount = 100;

    /// <summary>Splits a comma-separated list; an empty or blank setting means no checks.</summary>
    public static IReadOnlyList<NetworkTarget> ParseList(string? setting, out string? badEntry)
    {
        badEntry = null;
        var targets = new List<NetworkTarget>();
        foreach (var entry in (setting ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryParse(entry) is not { } target)
            {
                badEntry = entry;
                return [];
            }

            targets.Add(target);
        }

        return targets;
    }

    public static NetworkTarget? TryParse(string entry)
    {
        if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        var bare = uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0;
        return uri.Scheme switch
        {
            "icmp" when bare && (uri.IsDefaultPort || uri.Port is > 0 and <= 65535) =>
                new NetworkTarget(CheckKind.Icmp, uri.IdnHost, uri.IsDefaultPort ? null : uri.Port, null),
            "tcp" when bare && !uri.IsDefaultPort && uri.Port is > 0 and <= 65535 => new NetworkTarget(CheckKind.Tcp, uri.IdnHost, uri.Port, null),
            "http" or "https" when uri.Fragment.Length == 0 && uri.OriginalString.Length <= 2048 => new NetworkTarget(CheckKind.Http, uri.IdnHost, uri.Port, uri),
            _ => null,
        };
    }
}
