using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Monitoring.Agent.Commands;

/// <summary>What a finished command printed and how it exited.</summary>
internal readonly record struct CommandOutput(int ExitCode, string Output, string Error);

/// <summary>Runs an external program with its own time limit; one that overruns it, or outlives the agent's stop, is killed with its children.</summary>
internal static class ExternalCommand
{
    /// <summary>More standard output than any listing we parse; a runaway command is cut off rather than filling memory.</summary>
    public const int MaxOutputChars = 4 * 1024 * 1024;

    private const int MaxErrorChars = 64 * 1024;

    /// <summary>Where tools live that a login shell of a normal user may not have on its PATH (Debian's smartctl is in /usr/sbin).</summary>
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The executable's full path: <paramref name="command"/> itself when it is a path, else the first match on PATH or in the sbin directories; null when there is none.</summary>
    public static string? Find(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command) ? command : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<CommandOutput> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The parsers read the C locale's output: no translated messages, no thousands separators.
        start.Environment["LC_ALL"] = "C";

        // systemd's tools report their own failures to a notify socket they find in the environment: never as the agent's service.
        start.Environment.Remove("NOTIFY_SOCKET");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CommandFailedException($"{fileName} did not start");
        }
        catch (Win32Exception notStarted)
        {
            throw new CommandFailedException($"{fileName} could not be started: {notStarted.Message}");
        }

        using (process)
        {
            process.StandardInput.Close();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var output = ReadAsync(process.StandardOutput, MaxOutputChars);
            var error = ReadAsync(process.StandardError, MaxErrorChars);
            try
            {
                await process.WaitForExitAsync(limit.Token);

                // A child that inherited the pipes can keep them open after the command itself exited.
                await Task.WhenAll(output, error).WaitAsync(limit.Token);
                return new CommandOutput(process.ExitCode, await output, await error);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CommandFailedException($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0.###} s (COMMAND_TIMEOUT) and was killed");
            }
            finally
            {
                Kill(process);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }
    }

    private static async Task<string> ReadAsync(StreamReader reader, int maxChars)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (text.Length + read > maxChars)
            {
                throw new CommandFailedException($"the command printed more than {maxChars} characters");
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
