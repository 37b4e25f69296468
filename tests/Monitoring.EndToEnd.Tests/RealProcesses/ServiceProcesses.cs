namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>The services one test started and the temp folder they work in; disposing kills them all and deletes the folder.</summary>
internal sealed class ServiceProcesses : IAsyncDisposable
{
    private readonly List<ServiceProcess> _started = [];
    private readonly List<RecentLines> _stopped = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory("monitoring-e2e-").FullName;

    public ServiceProcess Start(string name, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        var service = ServiceProcess.Start(name, Folder, environment, onLine);
        _started.Add(service);
        return service;
    }

    /// <summary>Kills one service (SIGKILL) and forgets it, keeping its last output for a failure message.</summary>
    public async Task KillAsync(ServiceProcess service)
    {
        await service.DisposeAsync();
        _started.Remove(service);
        _stopped.Add(service.Output);
    }

    /// <summary>Fails fast, rather than at a timeout, when a service has died (a taken port, a bad setting).</summary>
    public void ThrowIfAnyExited()
    {
        if (_started.FirstOrDefault(service => service.HasExited) is { } dead)
        {
            throw new InvalidOperationException($"{dead.Name} exited with code {dead.ExitCode}.");
        }
    }

    /// <summary>Every service's recent output, for a failure message.</summary>
    public string Describe() => string.Concat(_stopped.Concat(_started.Select(service => service.Output)).Select(output => output.ToString()));

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_started))
        {
            await service.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
