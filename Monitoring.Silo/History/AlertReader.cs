using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.History;

/// <summary>Reads the alert tables: the fleet's current alerts, the transitions over a time range, notification attempts.</summary>
public sealed class AlertReader(SqliteConnections connections)
{
    public const int MaxEvents = 10_000;

    /// <summary>Every alert's newest transition that left it in one of <paramref name="states"/>.</summary>
    public async Task<IReadOnlyList<AlertEvent>> CurrentAsync(IReadOnlyCollection<string> states, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT event FROM alerts WHERE state IN ({string.Join(", ", states.Select((_, i) => $"@s{i}"))}) ORDER BY at DESC LIMIT {MaxEvents};";
        var index = 0;
        foreach (var state in states)
        {
            command.Parameters.AddWithValue($"@s{index++}", state);
        }

        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>Transitions from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first, capped.</summary>
    public async Task<AlertHistory> HistoryAsync(DateTimeOffset from, DateTimeOffset to, string? agentId, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT event FROM alert_history WHERE at >= @from AND at < @to AND (@agent IS NULL OR agent_id = @agent)
            ORDER BY at, seq LIMIT {MaxEvents + 1};
            """;
        command.Parameters.AddWithValue("@from", UnixMicroseconds.From(from));
        command.Parameters.AddWithValue("@to", UnixMicroseconds.From(to));
        command.Parameters.AddWithValue("@agent", (object?)agentId ?? DBNull.Value);
        var events = await ReadEventsAsync(command, cancellationToken);
        return events.Count > MaxEvents ? new AlertHistory([.. events.Take(MaxEvents)], true) : new AlertHistory(events, false);
    }

    /// <summary>The newest notification attempts, of one alert or all, newest first.</summary>
    public async Task<NotificationList> NotificationsAsync(string? alertId, int limit, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempt FROM notifications WHERE (@alert IS NULL OR alert_id = @alert) ORDER BY seq DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@alert", (object?)alertId ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", limit);
        var attempts = new List<NotificationAttempt>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            attempts.Add(JsonSerializer.Deserialize(rows.GetString(0), MonitoringJsonContext.Default.NotificationAttempt)!);
        }

        return new NotificationList(attempts);
    }

    private static async Task<IReadOnlyList<AlertEvent>> ReadEventsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var events = new List<AlertEvent>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            events.Add(JsonSerializer.Deserialize(rows.GetString(0), MonitoringJsonContext.Default.AlertEvent)!);
        }

        return events;
    }
}
