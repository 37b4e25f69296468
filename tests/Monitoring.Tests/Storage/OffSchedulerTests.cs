using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>
/// A store call a grain awaits returns to its caller before it touches the database: Microsoft.Data.Sqlite completes its
/// async methods synchronously, so without the hop the caller's (an Orleans scheduler) thread would wait for the file.
/// </summary>
public sealed class OffSchedulerTests : IDisposable
{
    private readonly HistoryStoreFile _file = new();

    [Fact]
    public async Task Store_call_waiting_for_the_write_lock_has_already_returned_to_its_caller()
    {
        _file.Append(Samples.Sample("web-01", Samples.RecentTime(), name: "web"));
        using var holder = _file.Connections.Open();
        Execute(holder, "BEGIN IMMEDIATE;");

        // The lock is held here until COMMIT, far inside the busy timeout: run on this thread, the call could not return yet.
        var update = _file.Store.UpdateAgentAsync("web-01", new AgentUpdate(AgentName: "web-renamed"), TestContext.Current.CancellationToken);
        Assert.False(update.IsCompleted);

        Execute(holder, "COMMIT;");
        await update;
        Assert.Equal("web-renamed", (await _file.Store.ReadAgentAsync("web-01", TestContext.Current.CancellationToken))!.AgentName);
    }

    public void Dispose() => _file.Dispose();

    private static void Execute(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
