using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Monitoring.Tests.Storage;

/// <summary>
/// A real PostgreSQL 15 server (Debian's <c>postgresql</c> package) for one test run: a cluster initialised in a temp
/// folder, listening on a free loopback port, stopped and deleted at the end. Each user takes a database of its own.
/// As root, the server runs as the <c>postgres</c> user (initdb refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";

    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-postgres-").FullName;
    private int _databases;

    public int Port { get; } = FreePort();

    private string DataFolder => Path.Combine(_folder, "data");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Binaries, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Binaries}): apt-get install -y postgresql.");
        }

        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", _folder);
        }

        await RunAsync(Path.Combine(Binaries, "initdb"), "-D", DataFolder, "--auth=trust", "-U", "postgres", "--no-sync");
        await RunAsync(
            Path.Combine(Binaries, "pg_ctl"), "-D", DataFolder, "-l", Path.Combine(_folder, "log"), "-w",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    /// <summary>A new, empty database on the server; its connection string, in the form <c>ConnectionStrings:monitoring</c> takes.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(Binaries, "pg_ctl"), "-D", DataFolder, "-m", "fast", "-w", "stop");
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var asPostgres = Environment.UserName == "root" && Path.GetFileName(file) != "chown";
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
