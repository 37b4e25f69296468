namespace Monitoring.Agent.Tests;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("monitoring-agent-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Tests that make a directory refuse writes leave a file in its place.
        if (System.IO.File.Exists(Path))
        {
            System.IO.File.Delete(Path);
        }
        else
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
