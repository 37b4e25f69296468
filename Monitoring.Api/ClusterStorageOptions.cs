using Microsoft.Extensions.Options;
using Monitoring.Abstractions;

namespace Monitoring.Api;

/// <summary>The API's view of <c>Storage</c>: on PostgreSQL it finds the silos in the membership table the silos write.</summary>
public sealed class ClusterStorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Most connections in the API's pool (it reads only the membership table).</summary>
    public int PoolSize { get; set; } = ClusterStorage.DefaultPoolSize;

    /// <summary>Stops the API at start when the settings cannot work, naming the setting.</summary>
    public sealed class Validator(IConfiguration configuration) : IValidateOptions<ClusterStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterStorageOptions options) =>
            ClusterStorage.Problem(options.Provider, configuration.GetConnectionString(ClusterStorage.ConnectionStringName), options.PoolSize) is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }
}
