using System.ComponentModel.DataAnnotations;
using Monitoring.Agent.Checks;
using Monitoring.Contracts;

namespace Monitoring.Agent.Configuration;

/// <summary>
/// The agent's settings. Each has one name everywhere: the environment variable, the <c>.env</c> key
/// and the key inside the <c>Agent</c> section of appsettings.json, so an error names what the operator typed.
/// </summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";
    public const string AgentIdKey = "AGENT_ID";
    public const string AgentNameKey = "AGENT_NAME";
    public const string ServerUrlKey = "SERVER_URL";
    public const string CollectionIntervalKey = "COLLECTION_INTERVAL";
    public const string SpoolDirectoryKey = "SPOOL_DIRECTORY";
    public const string SpoolMaxBytesKey = "SPOOL_MAX_BYTES";
    public const string SpoolMaxAgeKey = "SPOOL_MAX_AGE";
    public const string SpoolMemoryBytesKey = "SPOOL_MEMORY_BYTES";
    public const string RetryBaseDelayKey = "RETRY_BASE_DELAY";
    public const string RetryMaxDelayKey = "RETRY_MAX_DELAY";
    public const string RequestTimeoutKey = "REQUEST_TIMEOUT";
    public const string NetworkChecksKey = "NETWORK_CHECKS";
    public const string CheckTimeoutKey = "CHECK_TIMEOUT";
    public const string BackfillRateKey = "BACKFILL_RATE";
    public const string BackfillBatchSizeKey = "BACKFILL_BATCH_SIZE";
    public const string BackfillStartDelayKey = "BACKFILL_START_DELAY";
    public const string AgentTokenKey = "AGENT_TOKEN";
    public const string EnrollmentTokenKey = "ENROLLMENT_TOKEN";
    public const string SensorsEnabledKey = "SENSORS_ENABLED";
    public const string SensorsTimeoutKey = "SENSORS_TIMEOUT";
    public const string TopProcessesKey = "TOP_PROCESSES";
    public const string ProcessesTimeoutKey = "PROCESSES_TIMEOUT";
    public const string SmartEnabledKey = "SMART_ENABLED";
    public const string SmartIntervalKey = "SMART_INTERVAL";
    public const string RaidEnabledKey = "RAID_ENABLED";
    public const string ServicesEnabledKey = "SERVICES_ENABLED";
    public const string ServicesKey = "SERVICES";
    public const string CommandTimeoutKey = "COMMAND_TIMEOUT";

    public static IReadOnlyList<string> SettingNames { get; } =
    [
        AgentIdKey, AgentNameKey, ServerUrlKey, CollectionIntervalKey,
        SpoolDirectoryKey, SpoolMaxBytesKey, SpoolMaxAgeKey, SpoolMemoryBytesKey, RetryBaseDelayKey, RetryMaxDelayKey, RequestTimeoutKey,
        NetworkChecksKey, CheckTimeoutKey, BackfillRateKey, BackfillBatchSizeKey, BackfillStartDelayKey,
        AgentTokenKey, EnrollmentTokenKey,
        SensorsEnabledKey, SensorsTimeoutKey, TopProcessesKey, ProcessesTimeoutKey,
        SmartEnabledKey, SmartIntervalKey, RaidEnabledKey, ServicesEnabledKey, ServicesKey, CommandTimeoutKey,
    ];

    /// <summary>Defaults to the host name.</summary>
    [ConfigurationKeyName(AgentIdKey)]
    [Required(ErrorMessage = $"{AgentIdKey} is required.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = $"{AgentIdKey} must be 1 to 64 letters, digits, '.', '_' or '-'.")]
    public string AgentId { get; set; } = "";

    /// <summary>Defaults to the agent id.</summary>
    [ConfigurationKeyName(AgentNameKey)]
    [Required(ErrorMessage = $"{AgentNameKey} is required.")]
    [StringLength(256, ErrorMessage = $"{AgentNameKey} must be at most 256 characters.")]
    public string AgentName { get; set; } = "";

    /// <summary>Base URL of the monitoring API; reports go to <c>{SERVER_URL}/api/v1/metrics</c>.</summary>
    [ConfigurationKeyName(ServerUrlKey)]
    [Required(ErrorMessage = $"{ServerUrlKey} is required.")]
    [HttpUrl(ErrorMessage = $"{ServerUrlKey} must be an absolute http:// or https:// URL.")]
    public string ServerUrl { get; set; } = "http://localhost:5080";

    /// <summary>Seconds between two samples.</summary>
    [ConfigurationKeyName(CollectionIntervalKey)]
    [SettingRange(0, 3600, MinimumIsExclusive = true, ErrorMessage = $"{CollectionIntervalKey} must be a number of seconds greater than 0 and at most 3600.")]
    public double CollectionInterval { get; set; } = 60;

    /// <summary>Where unsent samples are kept across restarts; defaults to <c>monitoring/agent/spool</c> under the user's local application data.</summary>
    [ConfigurationKeyName(SpoolDirectoryKey)]
    [Required(ErrorMessage = $"{SpoolDirectoryKey} is required (no local application data folder to default to).")]
    [CreatableDirectory(ErrorMessage = $"{SpoolDirectoryKey} must be an absolute path of a directory the agent can create and write to.")]
    public string SpoolDirectory { get; set; } = "";

    /// <summary>Bytes of unsent samples the spool holds before the oldest are dropped.</summary>
    [ConfigurationKeyName(SpoolMaxBytesKey)]
    [SettingRange(1, long.MaxValue, ErrorMessage = $"{SpoolMaxBytesKey} must be a number of bytes greater than 0.")]
    public long SpoolMaxBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Seconds: unsent samples taken longer ago than this are dropped.</summary>
    [ConfigurationKeyName(SpoolMaxAgeKey)]
    [SettingRange(0, 366 * 86400, MinimumIsExclusive = true, ErrorMessage = $"{SpoolMaxAgeKey} must be a number of seconds greater than 0 and at most 31622400 (366 days).")]
    public double SpoolMaxAge { get; set; } = 7 * 86400;

    /// <summary>Bytes of samples kept in memory while the spool directory refuses writes (gone, full, read-only).</summary>
    [ConfigurationKeyName(SpoolMemoryBytesKey)]
    [SettingRange(1, long.MaxValue, ErrorMessage = $"{SpoolMemoryBytesKey} must be a number of bytes greater than 0.")]
    public long SpoolMemoryBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Seconds: the first retry waits up to this long, each later one up to twice as long.</summary>
    [ConfigurationKeyName(RetryBaseDelayKey)]
    [SettingRange(0, 3600, MinimumIsExclusive = true, ErrorMessage = $"{RetryBaseDelayKey} must be a number of seconds greater than 0 and at most 3600.")]
    public double RetryBaseDelay { get; set; } = 1;

    /// <summary>Seconds: the cap of the retry delay.</summary>
    [ConfigurationKeyName(RetryMaxDelayKey)]
    [SettingRange(0, 86400, MinimumIsExclusive = true, ErrorMessage = $"{RetryMaxDelayKey} must be a number of seconds greater than 0 and at most 86400.")]
    public double RetryMaxDelay { get; set; } = 60;

    /// <summary>Seconds one HTTP attempt may take before it counts as failed and is retried.</summary>
    [ConfigurationKeyName(RequestTimeoutKey)]
    [SettingRange(0, 600, MinimumIsExclusive = true, ErrorMessage = $"{RequestTimeoutKey} must be a number of seconds greater than 0 and at most 600.")]
    public double RequestTimeout { get; set; } = 30;

    /// <summary>Comma-separated targets checked with every sample; empty means no checks.</summary>
    [ConfigurationKeyName(NetworkChecksKey)]
    [NetworkTargets(NetworkChecksKey)]
    public string NetworkChecks { get; set; } = "";

    /// <summary>Seconds one network check may take before it is reported down.</summary>
    [ConfigurationKeyName(CheckTimeoutKey)]
    [SettingRange(0, 300, MinimumIsExclusive = true, ErrorMessage = $"{CheckTimeoutKey} must be a number of seconds greater than 0 and at most 300.")]
    public double CheckTimeout { get; set; } = 5;

    /// <summary>Samples per second the backlog is sent at after an outage, so a fleet coming back does not flatten the server.</summary>
    [ConfigurationKeyName(BackfillRateKey)]
    [SettingRange(0, 10_000, MinimumIsExclusive = true, ErrorMessage = $"{BackfillRateKey} must be a number of samples per second greater than 0 and at most 10000.")]
    public double BackfillRate { get; set; } = 20;

    /// <summary>Samples in one backfill request to <c>/api/v1/metrics/batch</c>.</summary>
    [ConfigurationKeyName(BackfillBatchSizeKey)]
    [SettingRange(1, 1000, ErrorMessage = $"{BackfillBatchSizeKey} must be a whole number from 1 to 1000.")]
    public int BackfillBatchSize { get; set; } = 100;

    /// <summary>Seconds: backfill starts after a random delay up to this long once the server answers again, spreading a fleet's backlogs.</summary>
    [ConfigurationKeyName(BackfillStartDelayKey)]
    [SettingRange(0, 3600, ErrorMessage = $"{BackfillStartDelayKey} must be a number of seconds from 0 to 3600.")]
    public double BackfillStartDelay { get; set; } = 30;

    /// <summary>Sent as <c>Authorization: Bearer {AGENT_TOKEN}</c> with every report; empty sends no header. A secret: never logged.</summary>
    [ConfigurationKeyName(AgentTokenKey)]
    [RegularExpression("^[!-~]*$", ErrorMessage = $"{AgentTokenKey} must be printable ASCII without spaces or control characters.")]
    public string AgentToken { get; set; } = "";

    /// <summary>
    /// Exchanged once at start for a key of the agent's own (stored in <c>agent.key</c> beside the spool directory, mode 0600)
    /// when no key is stored yet; a stored key wins. Empty: no enrollment. A secret: never logged.
    /// </summary>
    [ConfigurationKeyName(EnrollmentTokenKey)]
    [RegularExpression("^[!-~]*$", ErrorMessage = $"{EnrollmentTokenKey} must be printable ASCII without spaces or control characters.")]
    public string EnrollmentToken { get; set; } = "";

    /// <summary>Whether samples carry hwmon temperatures and fans, CPU frequency and throttling.</summary>
    [ConfigurationKeyName(SensorsEnabledKey)]
    public bool SensorsEnabled { get; set; } = true;

    /// <summary>Seconds reading the sensors may take before a sample leaves them out.</summary>
    [ConfigurationKeyName(SensorsTimeoutKey)]
    [SettingRange(0, 60, MinimumIsExclusive = true, ErrorMessage = $"{SensorsTimeoutKey} must be a number of seconds greater than 0 and at most 60.")]
    public double SensorsTimeout { get; set; } = 2;

    /// <summary>Processes listed by CPU and by memory in each sample; 0 leaves top processes out.</summary>
    [ConfigurationKeyName(TopProcessesKey)]
    [SettingRange(0, SampleLimits.MaxTopProcesses, ErrorMessage = $"{TopProcessesKey} must be a whole number from 0 (off) to 50.")]
    public int TopProcesses { get; set; } = 5;

    /// <summary>Seconds reading the process table may take before a sample leaves the top processes out.</summary>
    [ConfigurationKeyName(ProcessesTimeoutKey)]
    [SettingRange(0, 60, MinimumIsExclusive = true, ErrorMessage = $"{ProcessesTimeoutKey} must be a number of seconds greater than 0 and at most 60.")]
    public double ProcessesTimeout { get; set; } = 2;

    /// <summary>Whether disks' S.M.A.R.T. is read (with <c>smartctl</c>, when smartmontools is installed).</summary>
    [ConfigurationKeyName(SmartEnabledKey)]
    public bool SmartEnabled { get; set; } = true;

    /// <summary>Seconds between two S.M.A.R.T. reads; samples in between carry the last reading.</summary>
    [ConfigurationKeyName(SmartIntervalKey)]
    [SettingRange(600, 86400, ErrorMessage = $"{SmartIntervalKey} must be a number of seconds from 600 to 86400.")]
    public double SmartInterval { get; set; } = 600;

    /// <summary>Whether the software RAID arrays of <c>/proc/mdstat</c> are read.</summary>
    [ConfigurationKeyName(RaidEnabledKey)]
    public bool RaidEnabled { get; set; } = true;

    /// <summary>Whether systemd units (failed ones and those of <see cref="Services"/>) are read.</summary>
    [ConfigurationKeyName(ServicesEnabledKey)]
    public bool ServicesEnabled { get; set; } = true;

    /// <summary>Comma-separated systemd units reported in every sample, running or not; failed units are reported anyway.</summary>
    [ConfigurationKeyName(ServicesKey)]
    [UnitNames(ServicesKey)]
    public string Services { get; set; } = "";

    /// <summary>Seconds one external command (<c>smartctl</c>, <c>systemctl</c>) may run before it is killed.</summary>
    [ConfigurationKeyName(CommandTimeoutKey)]
    [SettingRange(0, 300, MinimumIsExclusive = true, ErrorMessage = $"{CommandTimeoutKey} must be a number of seconds greater than 0 and at most 300.")]
    public double CommandTimeout { get; set; } = 10;

    public IReadOnlyList<NetworkTarget> ParseNetworkTargets() => NetworkTarget.ParseList(NetworkChecks, out _);

    public TimeSpan Interval => TimeSpan.FromSeconds(CollectionInterval);

    /// <summary>The ingest endpoint; <see cref="ServerUrl"/> may end with a slash or not, and may carry a path prefix.</summary>
    public Uri MetricsEndpoint => new(new Uri(ServerUrl.TrimEnd('/') + "/"), "api/v1/metrics");

    public Uri BatchEndpoint => new(new Uri(ServerUrl.TrimEnd('/') + "/"), "api/v1/metrics/batch");

    public Uri EnrollEndpoint => new(new Uri(ServerUrl.TrimEnd('/') + "/"), "api/v1/enroll");
}
