using System.Text.RegularExpressions;

namespace Monitoring.Tests.Rooms;

/// <summary>
/// The silo's folders are rooms: each file's namespace names its folder, and no folder imports another that imports it
/// back, directly or around a longer circle. Read from the source files, so it needs no build of anything else.
/// </summary>
public sealed partial class SiloRoomsTests
{
    private static readonly string SiloFolder = Path.Combine(RepositoryRoot(), "Monitoring.Silo");

    [Fact]
    public void Silo_folders_do_not_import_each_other_in_a_circle()
    {
        var imports = RoomImports();

        Assert.Contains("Ingest", imports.Keys);
        Assert.Contains("Storage", imports["Ingest"]);
        Assert.Null(FindCycle(imports));
    }

    [Fact]
    public void Export_reads_the_store_and_no_room_imports_it()
    {
        var imports = RoomImports();

        Assert.Contains("Storage", imports["Export"]);
        Assert.DoesNotContain(imports, room => room.Value.Contains("Export"));
    }

    [Fact]
    public void Every_silo_file_is_in_the_namespace_of_its_folder()
    {
        var misplaced = SourceFiles()
            .Where(file => Path.GetFileName(file) != "Program.cs")
            .Select(file => (file, expected: "Monitoring.Silo" + string.Concat(Folders(file).Select(f => "." + f)), actual: NamespaceOf(file)))
            .Where(f => f.actual != f.expected)
            .Select(f => $"{Path.GetRelativePath(SiloFolder, f.file)}: {f.actual}")
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void Cycle_finder_names_a_circle_of_three_rooms()
    {
        var imports = new Dictionary<string, HashSet<string>>
        {
            ["Ingest"] = ["History"],
            ["History"] = ["Alerts"],
            ["Alerts"] = ["Ingest", "Storage"],
            ["Storage"] = [],
        };

        Assert.Equal("Alerts -> Ingest -> History -> Alerts", FindCycle(imports));
        imports["Alerts"].Remove("Ingest");
        Assert.Null(FindCycle(imports));
    }

    /// <summary>Top-level folder to the top-level folders its files name in <c>Monitoring.Silo.X</c>; root files compose the rooms and are no room.</summary>
    private static Dictionary<string, HashSet<string>> RoomImports()
    {
        var imports = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles().Where(f => Folders(f).Length > 0))
        {
            var room = Folders(file)[0];
            var named = imports.TryGetValue(room, out var held) ? held : imports[room] = [];
            foreach (Match reference in SiloReference().Matches(File.ReadAllText(file)))
            {
                if (reference.Groups[1].Value != room)
                {
                    named.Add(reference.Groups[1].Value);
                }
            }
        }

        return imports;
    }

    /// <summary>A circle of imports as "A -> B -> ... -> A", or null when there is none (depth-first, rooms in name order).</summary>
    private static string? FindCycle(IReadOnlyDictionary<string, HashSet<string>> imports)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        string? Visit(string room)
        {
            if (path.IndexOf(room) is var start and >= 0)
            {
                return string.Join(" -> ", path[start..].Append(room));
            }

            if (!done.Add(room))
            {
                return null;
            }

            path.Add(room);
            foreach (var next in imports.GetValueOrDefault(room, []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return imports.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(SiloFolder, "*.cs", SearchOption.AllDirectories)
            .Where(file => Folders(file) is not ["bin" or "obj", ..]);

    private static string[] Folders(string file)
    {
        var relative = Path.GetRelativePath(SiloFolder, Path.GetDirectoryName(file)!);
        return relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar);
    }

    private static string? NamespaceOf(string file) =>
        NamespaceLine().Match(File.ReadAllText(file)) is { Success: true } match ? match.Groups[1].Value : null;

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Monitoring.Silo", "Monitoring.Silo.csproj")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Monitoring.Silo/ above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\bMonitoring\.Silo\.(\w+)")]
    private static partial Regex SiloReference();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
