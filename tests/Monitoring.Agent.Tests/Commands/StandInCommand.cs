using System.Globalization;

namespace Monitoring.Agent.Tests.Commands;

/// <summary>Shell scripts that stand in for smartctl or systemctl: they print fixtures, fail, or hang like the real ones can.</summary>
internal static class StandInCommand
{
    public static string Write(TempDirectory directory, string name, string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Stand-in commands are shell scripts.");
        }

        var path = directory.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A command that never finishes: a child <c>sleep</c> whose pid goes to <paramref name="pidFile"/>, so a test can see whether the whole tree was killed.</summary>
    public static string Hanging(TempDirectory directory, string name, string pidFile) =>
        Write(directory, name, $"sleep 600 &\necho $! > '{pidFile}'\nwait");

    /// <summary>Whether the process lives (a zombie waiting for its reaper does not).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<int> PidAsync(string pidFile)
    {
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the stand-in command wrote its child's pid");
        return int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
    }
}
