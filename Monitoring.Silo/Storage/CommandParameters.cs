using System.Data.Common;

namespace Monitoring.Silo.Storage;

/// <summary>Named parameters on any ADO.NET provider's command, as Microsoft.Data.Sqlite's <c>AddWithValue</c> adds them.</summary>
public static class CommandParameters
{
    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
