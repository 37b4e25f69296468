using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests;

internal static class Fixture
{
    /// <summary>Copies of this build machine's <c>/proc</c> and <c>/sys/block</c>, for collectors that need a whole host.</summary>
    public static SystemSources Sources { get; } = new(Path("proc"), Path("sys-block"), "/");

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static StreamReader Open(string name) => File.OpenText(Path(name));
}
