using Microsoft.Extensions.Options;
using Monitoring.Agent.Commands;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Systemd;

/// <summary>Where units are read from; tests point it at a stand-in command.</summary>
internal sealed record SystemdSources(string Systemctl)
{
    public static SystemdSources Linux { get; } = new("systemctl");
}

/// <summary>
/// The systemd units that failed and those named in <c>SERVICES</c>, read with <c>systemctl</c> in the background at
/// each sample; the sample carries the last completed reading and never waits for systemctl.
/// </summary>
internal sealed class ServiceCollector : IDisposable
{
    private const string Part = "Reading systemd units with systemctl";

    private readonly SystemdSources _sources;
    private readonly AgentOptions _settings;
    private readonly IReadOnlyList<string> _configured;
    private readonly FailureStates _failures;
    private readonly BackgroundReading<IReadOnlyList<ServiceState>> _reading;

    /// <summary>Units seen failed since the agent started stay reported once they recover, so the alert on them resolves.</summary>
    private readonly SortedSet<string> _seenFailed = new(StringComparer.Ordinal);

    public ServiceCollector(SystemdSources sources, IOptions<AgentOptions> options, TimeProvider time, ILogger<ServiceCollector> logger)
    {
        _sources = sources;
        _settings = options.Value;
        _configured = UnitNames.ParseList(_settings.Services, out _);
        _failures = new FailureStates(logger);
        _reading = new BackgroundReading<IReadOnlyList<ServiceState>>(ReadAsync, time);
    }

    /// <summary>The read in progress or the last one.</summary>
    public Task Reading => _reading.Running;

    /// <summary>The units of the last completed read; null when switched off, not read yet, or when the last read failed.</summary>
    public IReadOnlyList<ServiceState>? Latest => _settings.ServicesEnabled && _reading.Latest is { Count: > 0 } units ? units : null;

    /// <summary>Starts a read in the background unless one is still running.</summary>
    public void Refresh()
    {
        if (_settings.ServicesEnabled && OperatingSystem.IsLinux())
        {
            _reading.RefreshIfDue(TimeSpan.Zero);
        }
    }

    public void Dispose() => _reading.Dispose();

    private async Task<IReadOnlyList<ServiceState>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (ExternalCommand.Find(_sources.Systemctl) is not { } systemctl)
        {
            _failures.Failed(Part, $"{_sources.Systemctl} is not installed; set SERVICES_ENABLED=false on a host without systemd");
            return null;
        }

        var timeout = TimeSpan.FromSeconds(_settings.CommandTimeout);
        try
        {
            var failed = Succeeded(await ExternalCommand.RunAsync(systemctl, ["list-units", "--state=failed", "--output=json", "--no-pager"], timeout, cancellationToken));
            foreach (var unit in SystemctlOutput.ParseUnitNames(failed))
            {
                if (_seenFailed.Count >= SampleLimits.MaxServices)
                {
                    break;
                }

                _seenFailed.Add(unit);
            }

            var units = _configured.Concat(_seenFailed.Except(_configured, StringComparer.Ordinal)).Take(SampleLimits.MaxServices).ToList();
            IReadOnlyList<ServiceState> states = [];
            if (units.Count > 0)
            {
                var show = Succeeded(await ExternalCommand.RunAsync(
                    systemctl, ["show", "--property=Id,ActiveState,SubState,NRestarts", "--no-pager", "--", .. units], timeout, cancellationToken));
                using var reader = new StringReader(show);
                states = SystemctlOutput.ParseShow(reader);
            }

            _failures.Succeeded(Part);
            return states;
        }
        catch (Exception failure) when (failure is CommandFailedException or FormatException)
        {
            _failures.Failed(Part, failure.Message);
            return null;
        }
    }

    private static string Succeeded(CommandOutput result) => result.ExitCode == 0
        ? result.Output
        : throw new CommandFailedException($"systemctl exited with {result.ExitCode}: {FirstLine(result.Error)}");

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
