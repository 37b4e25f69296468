using System.Collections.Concurrent;
using System.Data.Common;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Series names and their numbers (table <c>series_names</c>), cached for the silo's life. A number is cached only once
/// its row is committed, so a rolled-back batch can never leave a number that names something else.
/// </summary>
public sealed class SeriesCatalog
{
    private readonly ConcurrentDictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _names = new();

    public bool TryGetNumber(string name, out int number) => _numbers.TryGetValue(name, out number);

    /// <summary>The name of a series number, reading the table again when another writer added it since.</summary>
    public string Name(DbConnection connection, int number)
    {
        if (!_names.TryGetValue(number, out var name))
        {
            Load(connection);
            if (!_names.TryGetValue(number, out name))
            {
                throw new InvalidDataException($"Series number {number} is not in series_names.");
            }
        }

        return name;
    }

    /// <summary>Numbers every name not numbered yet, in a transaction of its own that commits before the caller's batch.</summary>
    public void Ensure(DbConnection connection, IEnumerable<string> names)
    {
        var missing = names.Where(n => !_numbers.ContainsKey(n)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        using (var transaction = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO series_names (name) VALUES (@name) ON CONFLICT (name) DO NOTHING;";
            var parameter = insert.Add("@name", string.Empty);
            foreach (var name in missing)
            {
                parameter.Value = name;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        Load(connection);
    }

    public void Load(DbConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT series_no, name FROM series_names;";
        using var rows = select.ExecuteReader();
        while (rows.Read())
        {
            var number = rows.GetInt32(0);
            var name = rows.GetString(1);
            _names[number] = name;
            _numbers[name] = number;
        }
    }
}
