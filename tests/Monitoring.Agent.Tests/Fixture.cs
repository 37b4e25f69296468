namespace Monitoring.Agent.Tests;

internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static StreamReader Open(string name) => File.OpenText(Path(name));
}
