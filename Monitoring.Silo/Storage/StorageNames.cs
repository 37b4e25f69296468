namespace Monitoring.Silo.Storage;

public static class StorageNames
{
    /// <summary>The grain-storage provider that keeps registrations (and later alert state) in the SQLite file.</summary>
    public const string Monitoring = "monitoring";
}
