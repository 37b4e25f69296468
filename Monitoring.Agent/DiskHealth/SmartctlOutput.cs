using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Agent.DiskHealth;

/// <summary>A disk <c>smartctl --scan</c> found: its path and the <c>-d</c> type to open it with.</summary>
internal sealed record SmartDevice(string Path, string Type)
{
    /// <summary>
    /// The name its series carry: the path under <c>/dev</c> (<c>sda</c>, <c>nvme0</c>), and for a disk behind a RAID
    /// controller, where one path reaches several disks, the type too (<c>bus/0:megaraid_1</c>); no comma, which would
    /// split a history query's series list.
    /// </summary>
    public string Name
    {
        get
        {
            var name = Path.StartsWith("/dev/", StringComparison.Ordinal) ? Path["/dev/".Length..] : Path;
            return Type.Contains(',', StringComparison.Ordinal) ? $"{name}:{Type.Replace(',', '_')}" : name;
        }
    }
}

/// <summary>Reads smartctl's JSON output (<c>--json</c>, smartmontools 7.0 and later).</summary>
internal static class SmartctlOutput
{
    private const int ReallocatedSectorCount = 5;
    private const int CurrentPendingSectorCount = 197;

    /// <summary>smartctl's exit status bits 0 and 1: the command line was not understood, or the device could not be opened (or sleeps).</summary>
    private const int NoReadingBits = 0b11;

    /// <summary>The devices of <c>smartctl --scan --json</c>.</summary>
    public static IReadOnlyList<SmartDevice> ParseScan(string json)
    {
        using var document = Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("devices", out var devices) || devices.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. devices.EnumerateArray()
            .Select(device => (Path: String(device, "name"), Type: String(device, "type")))
            .Where(device => !string.IsNullOrEmpty(device.Path))
            .Select(device => new SmartDevice(device.Path!, device.Type ?? "auto"))];
    }

    /// <summary>Whether the output says the disk was left alone because it sleeps (<c>--nocheck=standby</c>).</summary>
    public static bool IsAsleep(string json) => Messages(json).Any(message => message.Contains("Device is in ", StringComparison.Ordinal));

    /// <summary>smartctl's first message, which says why it could not read a disk (<c>Permission denied</c>, ...).</summary>
    public static string? FirstMessage(string json) => Messages(json).FirstOrDefault();

    private static List<string> Messages(string json)
    {
        using var document = Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("smartctl", out var smartctl)
            && smartctl.ValueKind == JsonValueKind.Object
            && smartctl.TryGetProperty("messages", out var messages)
            && messages.ValueKind == JsonValueKind.Array
            ? [.. messages.EnumerateArray().Select(message => String(message, "string")).OfType<string>()]
            : [];
    }

    /// <summary>
    /// One disk's reading from <c>smartctl --json -i -H -A</c>; null when smartctl could not read the disk (exit status bit
    /// 0 or 1). Failing-disk bits (3 and up) still come with a full reading.
    /// </summary>
    public static SmartDisk? ParseDevice(string json, int exitStatus, string name, DateTimeOffset checkedAt)
    {
        if ((exitStatus & NoReadingBits) != 0)
        {
            return null;
        }

        using var document = Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("smartctl printed JSON that is not an object");
        }

        return new SmartDisk
        {
            Device = name,
            Model = String(root, "model_name") ?? String(root, "scsi_model_name"),
            Serial = String(root, "serial_number"),
            Protocol = root.TryGetProperty("device", out var device) && device.ValueKind == JsonValueKind.Object ? String(device, "protocol")?.ToLowerInvariant() : null,
            Healthy = root.TryGetProperty("smart_status", out var status) && status.ValueKind == JsonValueKind.Object && status.TryGetProperty("passed", out var passed)
                && passed.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? passed.GetBoolean()
                : null,
            TemperatureCelsius = Number(root, "temperature", "current"),
            PowerOnHours = Integer(root, "power_on_time", "hours"),
            ReallocatedSectors = Attribute(root, ReallocatedSectorCount),
            PendingSectors = Attribute(root, CurrentPendingSectorCount),
            PercentageUsed = Number(root, "nvme_smart_health_information_log", "percentage_used"),
            CheckedAt = checkedAt,
        };
    }

    /// <summary>An ATA attribute's raw value, for the counters whose raw value is a plain count.</summary>
    private static long? Attribute(JsonElement root, int id)
    {
        if (!root.TryGetProperty("ata_smart_attributes", out var attributes)
            || attributes.ValueKind != JsonValueKind.Object
            || !attributes.TryGetProperty("table", out var table)
            || table.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var attribute in table.EnumerateArray())
        {
            if (attribute.ValueKind == JsonValueKind.Object && attribute.TryGetProperty("id", out var attributeId)
                && attributeId.ValueKind == JsonValueKind.Number && attributeId.TryGetInt32(out var number) && number == id)
            {
                return Integer(attribute, "raw", "value");
            }
        }

        return null;
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException invalid)
        {
            throw new FormatException($"smartctl printed no JSON: {invalid.Message}", invalid);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static double? Number(JsonElement element, string objectName, string name) =>
        element.TryGetProperty(objectName, out var inner) && inner.ValueKind == JsonValueKind.Object
        && inner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            ? number
            : null;

    private static long? Integer(JsonElement element, string objectName, string name) =>
        element.TryGetProperty(objectName, out var inner) && inner.ValueKind == JsonValueKind.Object
        && inner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}
