namespace Monitoring.Silo.Storage;

public static class StorageNames
{
    /// <summary>The grain-storage provider that keeps registrations and alert state in the SQLite file or PostgreSQL.</summary>
    public const string Monitoring = "monitoring";
}
