namespace Monitoring.Silo.Alerts;

/// <summary>The alert tables, created idempotently at silo start with the rest of the schema (<see cref="Storage.SqliteSchema"/>): every transition, and each alert's newest state.</summary>
public static class AlertSchema
{
    public const string Tables = """
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
        """;
}
