using System.Diagnostics;
using System.Reflection;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>One of our services run from its build output as <c>dotnet &lt;dll&gt;</c>, its output kept for failure messages.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>Inherited settings that would point a service at another cluster, database, collector or environment.</summary>
    private static readonly string[] InheritedPrefixesRemoved =
        ["Cluster__", "Orleans__", "ConnectionStrings__", "OTEL_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "AGENT_", "SERVER_URL", "COLLECTION_INTERVAL", "SPOOL_"];

    private readonly Process _process;
    private readonly Action<string>? _onLine;

    private ServiceProcess(string name, Process process, Action<string>? onLine)
    {
        Name = name;
        _process = process;
        _onLine = onLine;
        Output = new RecentLines(name);
    }

    public string Name { get; }

    public RecentLines Output { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the build output of project <paramref name="name"/>, found through the test assembly's metadata; <paramref name="onLine"/> sees every line it writes.</summary>
    public static ServiceProcess Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        var dll = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == name)?.Value
            ?? throw new InvalidOperationException($"The test project does not reference {name}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var inherited in start.Environment.Keys.Where(key => InheritedPrefixesRemoved.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var service = new ServiceProcess(name, new Process { StartInfo = start }, onLine);
        service._process.OutputDataReceived += (_, line) => service.Capture(line.Data, "out");
        service._process.ErrorDataReceived += (_, line) => service.Capture(line.Data, "err");
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Kills the process and anything it started with SIGKILL, and waits until they are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
    }

    private void Capture(string? line, string stream)
    {
        if (line is not null)
        {
            Output.Add($"[{stream}] {line}");
            _onLine?.Invoke(line);
        }
    }
}
