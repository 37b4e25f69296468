using System.Collections.Concurrent;
using System.Diagnostics;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Sending;

/// <summary>
/// Runs the real agent executable against a loopback server and takes its spool directory away while it runs: removed,
/// or replaced by a file so that every write fails as on a full or read-only disk.
/// </summary>
public sealed class SpoolFailureProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ConcurrentQueue<string> _output = new();

    private string Spool => _directory.File("spool");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Agent_keeps_sending_from_memory_while_the_spool_refuses_writes_logs_each_change_once_and_stops_cleanly()
    {
        await using var server = LoopbackIngestServer.Start();
        using var agent = StartAgent(server);
        try
        {
            await Eventually.TrueAsync(() => server.Accepted >= 2, "the agent sends from its spool");

            Directory.Delete(Spool, recursive: true);
            await File.WriteAllTextAsync(Spool, "not a directory", TestContext.Current.CancellationToken);
            await Eventually.TrueAsync(() => server.Requests.Any(request => request.Body.Contains("\"spool_error\"", StringComparison.Ordinal)), "a sample reports the spool's error");
            var refusing = server.Accepted;
            await Eventually.TrueAsync(() => server.Accepted >= refusing + 5, "five more samples are sent while the spool refuses writes");

            File.Delete(Spool);
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(Spool, ".lock")), "the agent creates its spool directory again");
            var recovered = server.Requests.Count;
            await Eventually.TrueAsync(
                () => server.Requests.Skip(recovered).Any(request => !request.Body.Contains("\"spool_error\"", StringComparison.Ordinal)),
                "samples no longer report a spool error");

            Directory.Delete(Spool, recursive: true);
            await File.WriteAllTextAsync(Spool, "not a directory", TestContext.Current.CancellationToken);
            var blocked = server.Requests.Count;
            await Eventually.TrueAsync(
                () => server.Requests.Skip(blocked).Any(request => request.Body.Contains("\"spool_error\"", StringComparison.Ordinal)),
                "the spool refuses writes again");

            Assert.Equal(0, await TerminateAsync(agent));
            var log = string.Join('\n', _output);
            Assert.Equal(2, Lines(log, "refuses writes ("));
            Assert.Equal(1, Lines(log, "accepts writes again"));
            Assert.Equal(1, Lines(log, "was missing and is created again"));
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        }
        finally
        {
            Stop(agent);
        }
    }

    [Fact]
    public async Task Agent_stops_cleanly_on_SIGTERM_right_after_its_spool_directory_was_removed()
    {
        await using var server = LoopbackIngestServer.Start();
        using var agent = StartAgent(server);
        try
        {
            await Eventually.TrueAsync(() => server.Accepted >= 1, "the agent sends from its spool");

            Directory.Delete(Spool, recursive: true);

            Assert.Equal(0, await TerminateAsync(agent));
            Assert.DoesNotContain("   at ", string.Join('\n', _output), StringComparison.Ordinal);
        }
        finally
        {
            Stop(agent);
        }
    }

    private static int Lines(string log, string text) =>
        log.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    private Process StartAgent(LoopbackIngestServer server)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Monitoring.Agent"))
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var name in AgentOptions.SettingNames)
        {
            start.Environment.Remove(name);
        }

        start.Environment[AgentOptions.AgentIdKey] = "spool-failure-test";
        start.Environment[AgentOptions.ServerUrlKey] = server.BaseAddress.ToString();
        start.Environment[AgentOptions.CollectionIntervalKey] = "0.2";
        start.Environment[AgentOptions.SpoolDirectoryKey] = Spool;
        start.Environment[AgentOptions.BackfillStartDelayKey] = "0";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> TerminateAsync(Process agent)
    {
        // bash's own kill: a minimal Debian has no kill executable.
        using (var kill = Process.Start("/bin/bash", ["-c", $"kill -TERM {agent.Id}"])!)
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await agent.WaitForExitAsync(timeout.Token);
        return agent.ExitCode;
    }

    private static void Stop(Process agent)
    {
        if (!agent.HasExited)
        {
            agent.Kill(entireProcessTree: true);
        }
    }
}
