using System.Diagnostics;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Configuration;

/// <summary>Runs the real agent executable: a bad setting must stop it before it starts, with a non-zero exit code.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _workingDirectory = new();

    public void Dispose() => _workingDirectory.Dispose();

    [Fact]
    public async Task Invalid_environment_variable_stops_the_agent_naming_the_setting()
    {
        var (exitCode, errors) = await RunAgentAsync(new() { ["COLLECTION_INTERVAL"] = "0" });

        Assert.Equal(2, exitCode);
        Assert.Contains("COLLECTION_INTERVAL", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_setting_in_the_current_directory_env_file_stops_the_agent_naming_the_setting()
    {
        await File.WriteAllTextAsync(_workingDirectory.File(".env"), "# bad\nSERVER_URL=monitor.example\n", TestContext.Current.CancellationToken);

        var (exitCode, errors) = await RunAgentAsync([]);

        Assert.Equal(2, exitCode);
        Assert.Contains("SERVER_URL", errors, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Errors)> RunAgentAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Monitoring.Agent"))
        {
            WorkingDirectory = _workingDirectory.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var name in AgentOptions.SettingNames)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // Generous: on a loaded 2-core machine a cold start of the agent alone can take several seconds.
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            _ = process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await errors);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
