namespace Monitoring.Silo.Notifications;

/// <summary>The notification tables, created idempotently at silo start with the rest of the schema (<see cref="Storage.SqliteSchema"/>): every delivery attempt, and the outbox of deliveries not yet acknowledged.</summary>
public static class NotificationSchema
{
    public const string Tables = """
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
}
