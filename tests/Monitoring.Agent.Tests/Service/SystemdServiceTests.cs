using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Service;

/// <summary>
/// Runs the real agent executable as systemd starts a Type=notify unit: the hosting library checks that the parent process
/// is called <c>systemd</c>, so a copy of bash under that name starts the agent, and the notify socket is our own.
/// </summary>
public sealed class SystemdServiceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Agent_notifies_ready_logs_with_journal_priorities_and_on_SIGTERM_stops_with_the_collected_sample_in_the_spool()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(_directory.File("notify")));
        var spool = _directory.File("spool");
        using var parent = Start(new()
        {
            ["NOTIFY_SOCKET"] = _directory.File("notify"),
            ["INVOCATION_ID"] = "0123456789abcdef0123456789abcdef",
            ["AGENT_ID"] = "systemd-test",
            // Nothing listens on the discard port: every sample stays in the spool.
            ["SERVER_URL"] = "http://127.0.0.1:9",
            ["SPOOL_DIRECTORY"] = spool,
        });
        try
        {
            var agentPid = await parent.StandardOutput.ReadLineAsync(cancellation);
            var output = parent.StandardOutput.ReadToEndAsync(cancellation);
            _ = parent.StandardError.ReadToEndAsync(cancellation);

            Assert.Equal("READY=1", await ReceiveAsync(notify, cancellation));
            await Eventually.TrueAsync(
                () => Directory.Exists(spool) && Directory.EnumerateFiles(spool, "*.spool").Any(file => new FileInfo(file).Length > 0),
                "the first sample is in the spool");
            using (var kill = Process.Start("kill", ["-TERM", agentPid!])!)
            {
                await kill.WaitForExitAsync(cancellation);
            }

            Assert.Equal("STOPPING=1", await ReceiveAsync(notify, cancellation));
            await parent.WaitForExitAsync(cancellation);
            Assert.Equal(0, parent.ExitCode);
            var spooled = string.Concat(Directory.EnumerateFiles(spool, "*.spool").Select(File.ReadAllText));
            Assert.Contains("\"agent_id\":\"systemd-test\"", spooled, StringComparison.Ordinal);
            // systemd's console format: a <priority> prefix per line (6 = information) that the journal turns into a level.
            Assert.Contains("<6>", await output, StringComparison.Ordinal);
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Generous: on a loaded 2-core machine a cold start of the agent alone can take several seconds.
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var buffer = new byte[256];
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    /// <summary>Starts the agent under the fake <c>systemd</c>, which prints the agent's process id first and exits with its exit code.</summary>
    private Process Start(Dictionary<string, string> environment)
    {
        var systemd = _directory.File("systemd");
        File.Copy("/bin/bash", systemd);
        var start = new ProcessStartInfo(systemd, ["-c", "\"$0\" & echo $!; wait $!", Path.Combine(AppContext.BaseDirectory, "Monitoring.Agent")])
        {
            WorkingDirectory = _directory.Path,
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

        return Process.Start(start)!;
    }
}
