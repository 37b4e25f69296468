using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// Rules as code: a file <c>{"rules": [...]}</c> in JSON, or the same document in YAML. YAML is read by mapping it onto the
/// JSON model, so both formats have one set of field names and one validator.
/// </summary>
public static partial class RulesFile
{
    public static bool IsYaml(string pathOrFormat) =>
        pathOrFormat.EndsWith("yaml", StringComparison.OrdinalIgnoreCase) || pathOrFormat.EndsWith("yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's rules, validated; throws <see cref="InvalidDataException"/> naming the first bad field.</summary>
    public static IReadOnlyList<AlertRule> Load(string path)
    {
        var text = File.ReadAllText(path);
        return Parse(text, IsYaml(path));
    }

    public static IReadOnlyList<AlertRule> Parse(string text, bool yaml)
    {
        AlertRuleList? list;
        try
        {
            list = yaml
                ? ToJson(ReadYaml(text))?.Deserialize(MonitoringJsonContext.Default.AlertRuleList)
                : JsonSerializer.Deserialize(text, MonitoringJsonContext.Default.AlertRuleList);
        }
        catch (Exception e) when (e is JsonException or YamlException or InvalidOperationException)
        {
            throw new InvalidDataException($"The rules file is not a valid rules document: {e.Message}", e);
        }

        if (list is null)
        {
            throw new InvalidDataException("The rules file is empty: expected a document with a 'rules' list.");
        }

        var errors = new Dictionary<string, string[]>();
        var rules = new List<AlertRule>();
        for (var i = 0; i < list.Rules.Count; i++)
        {
            if (AlertRuleValidator.Validate(list.Rules[i], errors, $"rules[{i}].") is { } rule)
            {
                rules.Add(rule);
            }
        }

        foreach (var duplicate in rules.GroupBy(r => r.Id).Where(g => g.Count() > 1))
        {
            errors["rules"] = [$"Rule id '{duplicate.Key}' appears more than once."];
        }

        if (errors.Count > 0)
        {
            var (field, messages) = errors.First();
            throw new InvalidDataException($"The rules file is invalid at {field}: {messages[0]}");
        }

        return rules;
    }

    /// <summary>The rules as a document <see cref="Parse"/> reads back.</summary>
    public static string Write(AlertRuleList rules, bool yaml)
    {
        var node = JsonSerializer.SerializeToNode(rules, MonitoringJsonContext.Default.AlertRuleList)!;
        if (!yaml)
        {
            return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }

        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(ToYaml(node))).Save(writer, assignAnchors: false);
        return writer.ToString().TrimEnd('.', '\n', '\r') + "\n";
    }

    private static YamlNode? ReadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static JsonNode? ToJson(YamlNode? node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", ToJson(entry.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => PlainScalar(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    /// <summary>A plain YAML scalar is a number, a boolean or null when it reads as one, as YAML 1.2's core schema says.</summary>
    private static JsonNode? PlainScalar(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(value.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        return NumberPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject map => new YamlMappingNode(map.Select(entry =>
            new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(entry.Key), ToYaml(entry.Value)))),
        JsonArray list => new YamlSequenceNode(list.Select(ToYaml)),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => StringScalar(value.GetValue<string>()),
        JsonValue value => new YamlScalarNode(value.ToJsonString()),
        _ => new YamlScalarNode("null"),
    };

    /// <summary>Plain when the text cannot be read back as anything but this string, else double-quoted.</summary>
    private static YamlScalarNode StringScalar(string text) =>
        SafePlainPattern().IsMatch(text) && PlainScalar(text) is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? new YamlScalarNode(text)
            : new YamlScalarNode(text) { Style = ScalarStyle.DoubleQuoted };

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./ -]*$")]
    private static partial Regex SafePlainPattern();
}
