using Microsoft.Data.Sqlite;

namespace Monitoring.Silo.Alerts;

/// <summary>The alert tables, created idempotently at silo start: every transition, each alert's newest state, every notification attempt, and the outbox of deliveries not yet acknowledged.</summary>
public static class AlertSchema
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS alert_history (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            alert_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            event TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS alert_history_at ON alert_history (at);

        CREATE TABLE IF NOT EXISTS alerts (
            alert_id TEXT NOT NULL PRIMARY KEY,
            agent_id TEXT NOT NULL,
            state TEXT NOT NULL,
            at INTEGER NOT NULL,
            event TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state);

        CREATE TABLE IF NOT EXISTS notifications (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            alert_id TEXT NOT NULL,
            attempt TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS notifications_alert ON notifications (alert_id);

        CREATE TABLE IF NOT EXISTS notification_outbox (
            notification_id TEXT NOT NULL,
            receiver TEXT NOT NULL,
            owner TEXT NOT NULL,
            state TEXT NOT NULL,
            queued_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            repeat INTEGER NOT NULL,
            alertmanager_only INTEGER NOT NULL,
            at INTEGER NOT NULL,
            alert TEXT NOT NULL,
            transition TEXT,
            PRIMARY KEY (notification_id, receiver));
        CREATE INDEX IF NOT EXISTS notification_outbox_pending ON notification_outbox (state, owner);
        """;

    public static void Create(SqliteConnection connection)
    {
        using var create = connection.CreateCommand();
        create.CommandText = Tables;
        create.ExecuteNonQuery();
    }
}
