using System.Text.RegularExpressions;
using Monitoring.Contracts;

namespace Monitoring.Api.Ingest;

/// <summary>The ingest rules: every violation is reported under the snake_case path of the field that breaks it.</summary>
public static partial class SampleValidator
{
    public const int MaxAgentNameLength = 256;
    public const int MaxNetworkChecks = 100;
    public const int MaxErrorLength = 1024;
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> CheckStatuses = new(StringComparer.Ordinal) { "up", "down", "degraded" };
    private static readonly HashSet<string> CheckKinds = new(StringComparer.Ordinal) { "icmp", "tcp", "http" };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    public static partial Regex AgentIdPattern();

    public static bool IsValidAgentId(string? agentId) => agentId is not null && AgentIdPattern().IsMatch(agentId);

    /// <summary>Adds the sample's violations to <paramref name="errors"/>, each field prefixed with <paramref name="prefix"/>.</summary>
    public static void Validate(MetricsReport sample, DateTimeOffset now, string prefix, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        if (string.IsNullOrEmpty(sample.AgentId))
        {
            Fail("agent_id", "agent_id is required.");
        }
        else if (!IsValidAgentId(sample.AgentId))
        {
            Fail("agent_id", "agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        if (sample.AgentName is { Length: > MaxAgentNameLength })
        {
            Fail("agent_name", $"agent_name must be at most {MaxAgentNameLength} characters.");
        }

        if (sample.Timestamp is not { } timestamp)
        {
            Fail("timestamp", "timestamp is required (ISO 8601 with offset).");
        }
        else if (timestamp - now > MaxClockSkew)
        {
            Fail("timestamp", "timestamp is more than 5 minutes in the future; check the agent's clock.");
        }

        if (sample.IntervalSeconds is { } interval && !(double.IsFinite(interval) && interval > 0 && interval <= 86_400))
        {
            Fail("interval_seconds", "interval_seconds must be greater than 0 and at most 86400.");
        }

        if (sample.System is not { } system)
        {
            Fail("system", "system is required.");
        }
        else
        {
            Percent(system.CpuPercent, "system.cpu_percent", Fail);
            if (system.Memory is not { } memory)
            {
                Fail("system.memory", "system.memory is required.");
            }
            else
            {
                Percent(memory.Percent, "system.memory.percent", Fail);
                Bytes(memory.Total, "system.memory.total", Fail);
                Bytes(memory.Available, "system.memory.available", Fail);
                Bytes(memory.Used, "system.memory.used", Fail);
            }

            if (system.Disk is not { } disk)
            {
                Fail("system.disk", "system.disk is required.");
            }
            else
            {
                Percent(disk.Percent, "system.disk.percent", Fail);
                Bytes(disk.Total, "system.disk.total", Fail);
                Bytes(disk.Used, "system.disk.used", Fail);
                Bytes(disk.Free, "system.disk.free", Fail);
            }
        }

        if (sample.Network is { } checks)
        {
            if (checks.Count > MaxNetworkChecks)
            {
                Fail("network", $"network may hold at most {MaxNetworkChecks} checks.");
            }
            else
            {
                for (var i = 0; i < checks.Count; i++)
                {
                    Check(checks[i], $"network[{i}]", Fail);
                }
            }
        }
    }

    private static void Check(NetworkCheck? check, string path, Action<string, string> fail)
    {
        if (check is null)
        {
            fail(path, "A network check must be an object.");
            return;
        }

        if (string.IsNullOrWhiteSpace(check.Host) == string.IsNullOrWhiteSpace(check.Url))
        {
            fail(path, "A network check names either a host or a url.");
        }

        if (check.Host is { Length: > 255 })
        {
            fail($"{path}.host", "host must be at most 255 characters.");
        }

        if (check.Url is { Length: > 2048 })
        {
            fail($"{path}.url", "url must be at most 2048 characters.");
        }

        if (check.Port is { } port && port is < 0 or > 65535)
        {
            fail($"{path}.port", "port must be between 0 and 65535.");
        }

        if (check.StatusCode is { } code && code is < 100 or > 599)
        {
            fail($"{path}.status_code", "status_code must be an HTTP status between 100 and 599.");
        }

        if (check.Status is null || !CheckStatuses.Contains(check.Status))
        {
            fail($"{path}.status", "status must be 'up', 'down' or 'degraded'.");
        }

        if (check.Kind is { } kind && !CheckKinds.Contains(kind))
        {
            fail($"{path}.kind", "kind must be 'icmp', 'tcp' or 'http' when given.");
        }

        if (check.LatencyMs is { } latency && !(double.IsFinite(latency) && latency >= 0))
        {
            fail($"{path}.latency_ms", "latency_ms must be a non-negative number.");
        }

        if (check.Error is { Length: > MaxErrorLength })
        {
            fail($"{path}.error", $"error must be at most {MaxErrorLength} characters.");
        }
    }

    private static void Percent(double? value, string field, Action<string, string> fail)
    {
        if (value is not { } percent)
        {
            fail(field, $"{field} is required.");
        }
        else if (!double.IsFinite(percent) || percent is < 0 or > 100)
        {
            fail(field, $"{field} must be a number from 0 to 100.");
        }
    }

    private static void Bytes(long? value, string field, Action<string, string> fail)
    {
        if (value is < 0)
        {
            fail(field, $"{field} must not be negative.");
        }
    }
}
