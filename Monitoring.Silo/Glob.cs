using System.Text.RegularExpressions;

namespace Monitoring.Silo;

/// <summary><c>*</c> and <c>?</c> wildcards, case-insensitive, over the whole text: rule and silence scopes, and the series a history query selects.</summary>
public static class Glob
{
    public static Regex ToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
}
