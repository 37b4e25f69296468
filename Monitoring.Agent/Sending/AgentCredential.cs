using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// The bearer the agent reports with. A key of its own, kept in <c>agent.key</c> (mode 0600) beside the spool directory,
/// wins; without one, an <c>ENROLLMENT_TOKEN</c> is exchanged for a key once at start and the key stored; otherwise
/// <c>AGENT_TOKEN</c>, or nothing. Secrets are never logged.
/// </summary>
internal sealed class AgentCredential(IHttpClientFactory clients, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentCredential> logger)
{
    public const string KeyFileName = "agent.key";

    private readonly AgentOptions _settings = options.Value;
    private AuthenticationHeaderValue? _authorization = options.Value.AgentToken is { Length: > 0 } token ? new("Bearer", token) : null;

    public AuthenticationHeaderValue? Authorization => Volatile.Read(ref _authorization);

    /// <summary>What the agent presents, for the log: "agent key", "AGENT_TOKEN" or "none".</summary>
    public string Kind { get; private set; } = options.Value.AgentToken.Length > 0 ? "AGENT_TOKEN" : "none";

    /// <summary><c>agent.key</c> in the folder that holds the spool directory.</summary>
    public string KeyPath { get; } = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(options.Value.SpoolDirectory))!, KeyFileName);

    /// <summary>
    /// Loads the stored key, or enrolls with <c>ENROLLMENT_TOKEN</c>: retried with backoff while the server cannot answer;
    /// a token the server refuses is logged and the agent goes on with <c>AGENT_TOKEN</c>.
    /// </summary>
    public async Task ObtainAsync(CancellationToken cancellationToken)
    {
        if (ReadStoredKey() is { } stored)
        {
            Use(stored);
            Log.KeyLoaded(logger, KeyPath);
            return;
        }

        if (_settings.EnrollmentToken.Length == 0)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            var (enrolled, status, failure) = await EnrollOnceAsync(cancellationToken);
            if (enrolled is not null)
            {
                await StoreAsync(enrolled.Key, cancellationToken);
                Use(enrolled.Key);
                Log.Enrolled(logger, _settings.AgentId, enrolled.Prefix, KeyPath);
                return;
            }

            if (status is { } refused && (SendPolicy.IsRejection((HttpStatusCode)refused) || SendPolicy.IsCredentialsRefusal(refused)))
            {
                Log.EnrollmentRefused(logger, refused, failure);
                return;
            }

            var delay = Backoff.FullJitter(attempt, TimeSpan.FromSeconds(_settings.RetryBaseDelay), TimeSpan.FromSeconds(_settings.RetryMaxDelay), Random.Shared);
            Log.EnrollmentFailed(logger, failure, attempt + 1, delay);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async Task<(EnrollResponse? Enrolled, int? Status, string Failure)> EnrollOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_settings.RequestTimeout), time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var http = clients.CreateClient(nameof(AgentCredential));
            var request = new EnrollRequest { EnrollmentToken = _settings.EnrollmentToken, AgentId = _settings.AgentId };
            using var response = await http.PostAsJsonAsync(_settings.EnrollEndpoint, request, MonitoringJsonContext.Default.EnrollRequest, attempt.Token);
            if (response.IsSuccessStatusCode
                && await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.EnrollResponse, attempt.Token) is { Key.Length: > 0 } enrolled)
            {
                return (enrolled, (int)response.StatusCode, "");
            }

            var problem = await response.Content.ReadAsStringAsync(attempt.Token);
            return (null, (int)response.StatusCode, problem.Length > 1024 ? problem[..1024] : problem);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, null, ex is OperationCanceledException ? "no answer in time" : ex.Message);
        }
    }

    private string? ReadStoredKey()
    {
        if (!File.Exists(KeyPath))
        {
            return null;
        }

        var key = File.ReadAllText(KeyPath).Trim();
        return key.Length > 0 ? key : null;
    }

    /// <summary>Written whole to a temporary file created 0600, flushed, then renamed: a crash leaves the old state or the new, never half a key.</summary>
    private async Task StoreAsync(string key, CancellationToken cancellationToken)
    {
        var temporary = KeyPath + ".tmp";
        try
        {
            File.Delete(temporary);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(temporary, create))
            {
                await file.WriteAsync(Encoding.ASCII.GetBytes(key + "\n"), cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, KeyPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The key still serves this run; the next start would need a new enrollment.
            Log.KeyNotStored(logger, KeyPath, ex);
        }
    }

    private void Use(string key)
    {
        Volatile.Write(ref _authorization, new AuthenticationHeaderValue("Bearer", key));
        Kind = "agent key";
    }
}
