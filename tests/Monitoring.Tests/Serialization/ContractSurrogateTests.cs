using System.Collections;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Orleans.Serialization;

namespace Monitoring.Tests.Serialization;

/// <summary>
/// The wire records that cross grain calls through Orleans surrogates: every property of each is declared by its surrogate
/// and comes back from the serializer and the copier with the value it had, so a property added to a record alone fails here.
/// </summary>
public sealed class ContractSurrogateTests : IDisposable
{
    private static readonly Assembly Abstractions = typeof(MetricsReportConverter).Assembly;

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(Abstractions).AddMonitoringContracts())
        .BuildServiceProvider();

    public static TheoryData<Type> RecordsWithSurrogates => [.. Converters().Select(pair => pair.Record)];

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Every_record_of_the_ingest_path_has_a_registered_converter()
    {
        var records = Converters().Select(pair => pair.Record).ToHashSet();

        Assert.Superset(
            new HashSet<Type> { typeof(MetricsReport), typeof(SystemMetrics), typeof(MemoryMetrics), typeof(DiskMetrics), typeof(NetworkCheck) },
            records);
    }

    [Theory]
    [MemberData(nameof(RecordsWithSurrogates))]
    public void Surrogate_declares_every_property_of_its_record_by_name_and_type(Type record)
    {
        var surrogate = Converters().Single(pair => pair.Record == record).Surrogate;
        var members = surrogate.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(member => member.GetCustomAttribute<IdAttribute>() is not null)
            .ToArray();

        var recordShape = record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => $"{property.Name}: {property.PropertyType}")
            .ToHashSet(StringComparer.Ordinal);
        var surrogateShape = members
            .Select(member => $"{member.Name}: {(member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType)}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(recordShape.Except(surrogateShape));
        Assert.Empty(surrogateShape.Except(recordShape));
        Assert.Distinct(members.Select(member => member.GetCustomAttribute<IdAttribute>()!.Id));
    }

    [Theory]
    [MemberData(nameof(RecordsWithSurrogates))]
    public void Every_property_survives_the_serializer(Type record)
    {
        var value = new RecordFiller().Fill(record);
        var serializer = _services.GetRequiredService<Serializer>();

        var copy = serializer.Deserialize<object>(serializer.SerializeToArray<object>(value));

        AssertSameValues(value, copy, record.Name);
    }

    [Theory]
    [MemberData(nameof(RecordsWithSurrogates))]
    public void Every_property_survives_the_deep_copier(Type record)
    {
        var value = new RecordFiller().Fill(record);

        var copy = _services.GetRequiredService<DeepCopier>().Copy<object>(value);

        AssertSameValues(value, copy, record.Name);
    }

    [Theory]
    [MemberData(nameof(RecordsWithSurrogates))]
    public void Absent_properties_stay_absent_through_the_serializer(Type record)
    {
        var value = Activator.CreateInstance(record)!;
        var serializer = _services.GetRequiredService<Serializer>();

        var copy = serializer.Deserialize<object>(serializer.SerializeToArray<object>(value));

        AssertSameValues(value, copy, record.Name);
    }

    [Fact]
    public void Detailed_sample_survives_the_serializer_unchanged()
    {
        var sample = Samples.Detailed("web-01", new DateTimeOffset(2026, 3, 1, 13, 0, 0, 123, TimeSpan.FromHours(1)).AddTicks(4567));
        var serializer = _services.GetRequiredService<Serializer>();

        var copy = serializer.Deserialize<MetricsReport>(serializer.SerializeToArray(sample));

        AssertSameValues(sample, copy, nameof(MetricsReport));
    }

    private static IEnumerable<(Type Record, Type Surrogate)> Converters() =>
        Abstractions.GetTypes()
            .Where(type => type.GetCustomAttribute<RegisterConverterAttribute>() is not null)
            .SelectMany(type => type.GetInterfaces())
            .Where(contract => contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IConverter<,>))
            .Select(contract => (contract.GenericTypeArguments[0], contract.GenericTypeArguments[1]));

    /// <summary>Compares two object graphs property by property, lists element by element, times with their offsets.</summary>
    private static void AssertSameValues(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}.");
            return;
        }

        var type = expected.GetType();
        if (expected is DateTimeOffset time)
        {
            Assert.True(actual is DateTimeOffset other && time.EqualsExact(other), $"{path}: expected {time:O}, got {actual:O}.");
        }
        else if (type.IsPrimitive || type.IsEnum || expected is string or decimal)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}.");
        }
        else if (expected is IEnumerable items)
        {
            var expectedItems = items.Cast<object?>().ToArray();
            var actualItems = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToArray();
            Assert.True(expectedItems.Length == actualItems.Length, $"{path}: expected {expectedItems.Length} items, got {actualItems.Length}.");
            for (var i = 0; i < expectedItems.Length; i++)
            {
                AssertSameValues(expectedItems[i], actualItems[i], $"{path}[{i}]");
            }
        }
        else
        {
            Assert.True(type == actual.GetType(), $"{path}: expected a {type}, got a {actual.GetType()}.");
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                AssertSameValues(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            }
        }
    }

    /// <summary>
    /// Builds a record with every property set, recursively, each to a value no other property gets and none a default: a
    /// property dropped, swapped with another, truncated or stripped of its offset comes back different.
    /// </summary>
    private sealed class RecordFiller
    {
        private int _next;

        public object Fill(Type type)
        {
            var next = ++_next;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(string))
            {
                return $"text {next}";
            }

            if (type == typeof(int))
            {
                return next;
            }

            if (type == typeof(long))
            {
                return 10_000_000_000L + next;
            }

            if (type == typeof(double))
            {
                return next + 0.25;
            }

            if (type == typeof(bool))
            {
                return true;
            }

            if (type == typeof(DateTimeOffset))
            {
                return new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(next % 12 + 1)).AddTicks(next * 1_234_567L);
            }

            if (type.IsGenericType && type.GenericTypeArguments.Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GenericTypeArguments[0]))!;
                list.Add(Fill(type.GenericTypeArguments[0]));
                list.Add(Fill(type.GenericTypeArguments[0]));
                return list;
            }

            if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is { } constructor)
            {
                var value = constructor.Invoke(null);
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.SetMethod is null)
                    {
                        throw new NotSupportedException($"{type.Name}.{property.Name} cannot be set, so the test cannot fill it.");
                    }

                    property.SetValue(value, Fill(property.PropertyType));
                }

                return value;
            }

            throw new NotSupportedException($"No test value for {type}: teach {nameof(RecordFiller)} to make one.");
        }
    }
}
