using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Configuration;

public sealed class AgentOptionsTests
{
    [Theory]
    [InlineData("AGENT_ID", "has space")]
    [InlineData("AGENT_ID", "slash/in/id")]
    [InlineData("AGENT_ID", "a123456789a123456789a123456789a123456789a123456789a123456789abcde")]
    [InlineData("SERVER_URL", "not a url")]
    [InlineData("SERVER_URL", "ftp://files.example")]
    [InlineData("SERVER_URL", "/api/v1")]
    [InlineData("COLLECTION_INTERVAL", "0")]
    [InlineData("COLLECTION_INTERVAL", "-5")]
    [InlineData("COLLECTION_INTERVAL", "3601")]
    [InlineData("COLLECTION_INTERVAL", "NaN")]
    [InlineData("COLLECTION_INTERVAL", "sixty")]
    [InlineData("SPOOL_MAX_BYTES", "0")]
    [InlineData("SPOOL_MAX_BYTES", "many")]
    [InlineData("SPOOL_MAX_AGE", "0")]
    [InlineData("SPOOL_MAX_AGE", "-60")]
    [InlineData("SPOOL_DIRECTORY", "relative/spool")]
    [InlineData("SPOOL_DIRECTORY", "/proc/monitoring-agent-spool")]
    [InlineData("RETRY_BASE_DELAY", "0")]
    [InlineData("RETRY_MAX_DELAY", "-1")]
    [InlineData("REQUEST_TIMEOUT", "0")]
    [InlineData("CHECK_TIMEOUT", "0")]
    [InlineData("CHECK_TIMEOUT", "301")]
    [InlineData("NETWORK_CHECKS", "tcp://db.internal")]
    [InlineData("BACKFILL_RATE", "0")]
    [InlineData("BACKFILL_RATE", "10001")]
    [InlineData("BACKFILL_BATCH_SIZE", "0")]
    [InlineData("BACKFILL_BATCH_SIZE", "1001")]
    [InlineData("BACKFILL_BATCH_SIZE", "2.5")]
    [InlineData("BACKFILL_START_DELAY", "-1")]
    [InlineData("BACKFILL_START_DELAY", "3601")]
    [InlineData("AGENT_TOKEN", "two words")]
    [InlineData("AGENT_TOKEN", "tab\there")]
    [InlineData("AGENT_TOKEN", "line\nbreak")]
    [InlineData("AGENT_TOKEN", "t\u00f6ken")]
    [InlineData("AGENT_TOKEN", "del\u007f")]
    [InlineData("SMART_ENABLED", "maybe")]
    [InlineData("SMART_INTERVAL", "599")]
    [InlineData("SMART_INTERVAL", "86401")]
    [InlineData("RAID_ENABLED", "1")]
    [InlineData("SERVICES_ENABLED", "yes")]
    [InlineData("SERVICES", "nginx,two words")]
    [InlineData("SERVICES", "nginx;reboot")]
    [InlineData("COMMAND_TIMEOUT", "0")]
    [InlineData("COMMAND_TIMEOUT", "301")]
    [InlineData("SENSORS_ENABLED", "maybe")]
    [InlineData("SENSORS_TIMEOUT", "0")]
    [InlineData("SENSORS_TIMEOUT", "61")]
    [InlineData("TOP_PROCESSES", "-1")]
    [InlineData("TOP_PROCESSES", "51")]
    [InlineData("TOP_PROCESSES", "2.5")]
    [InlineData("PROCESSES_TIMEOUT", "0")]
    [InlineData("PROCESSES_TIMEOUT", "61")]
    public void Invalid_setting_fails_with_a_message_naming_it(string setting, string value)
    {
        var error = FindError(new Dictionary<string, string> { [setting] = value });

        Assert.NotNull(error);
        Assert.Contains(setting, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_name_the_agent_after_the_host()
    {
        var options = Resolve(new Dictionary<string, string>());

        Assert.Equal(Environment.MachineName, options.AgentId);
        Assert.Equal(options.AgentId, options.AgentName);
        Assert.Equal(60, options.CollectionInterval);
        Assert.Equal(64 * 1024 * 1024, options.SpoolMaxBytes);
        Assert.Equal(7 * 86400, options.SpoolMaxAge);
        Assert.Empty(options.ParseNetworkTargets());
        Assert.Equal(5, options.CheckTimeout);
        Assert.Equal(20, options.BackfillRate);
        Assert.Equal(100, options.BackfillBatchSize);
        Assert.Equal(30, options.BackfillStartDelay);
        Assert.True(options.SensorsEnabled);
        Assert.Equal(2, options.SensorsTimeout);
        Assert.Equal(5, options.TopProcesses);
        Assert.Equal(2, options.ProcessesTimeout);
        Assert.Equal(new Uri("http://localhost:5080/api/v1/metrics/batch"), options.BatchEndpoint);
        Assert.Equal(new Uri("http://localhost:5080/api/v1/metrics"), options.MetricsEndpoint);
        Assert.Equal((true, 600.0, true, true, "", 10.0), (options.SmartEnabled, options.SmartInterval, options.RaidEnabled, options.ServicesEnabled, options.Services, options.CommandTimeout));
    }

    [Fact]
    public void Health_collectors_are_switched_off_and_services_named_by_their_settings()
    {
        var options = Resolve(new Dictionary<string, string>
        {
            ["SMART_ENABLED"] = "false",
            ["RAID_ENABLED"] = "False",
            ["SERVICES_ENABLED"] = "false",
            ["SERVICES"] = "nginx,postgresql",
            ["SMART_INTERVAL"] = "3600",
            ["COMMAND_TIMEOUT"] = "2.5",
        });

        Assert.Equal((false, 3600.0, false, false, "nginx,postgresql", 2.5), (options.SmartEnabled, options.SmartInterval, options.RaidEnabled, options.ServicesEnabled, options.Services, options.CommandTimeout));
    }

    [Fact]
    public void More_services_than_a_sample_carries_are_refused()
    {
        var error = FindError(new Dictionary<string, string> { ["SERVICES"] = string.Join(',', Enumerable.Range(1, 257).Select(n => $"unit{n}")) });

        Assert.Contains("SERVICES may name at most 256 units.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_agent_token_fails_without_its_value_in_the_message()
    {
        var error = FindError(new Dictionary<string, string> { ["AGENT_TOKEN"] = "s3cr3t leaked" });

        Assert.NotNull(error);
        Assert.Contains("AGENT_TOKEN", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_token_is_empty_by_default_and_any_printable_ascii_without_spaces_is_valid()
    {
        var options = Resolve(new Dictionary<string, string> { ["AGENT_TOKEN"] = "!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~" });

        Assert.Equal("!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", options.AgentToken);
        Assert.Equal("", Resolve(new Dictionary<string, string>()).AgentToken);
    }

    [Fact]
    public void Spool_directory_defaults_to_local_application_data_never_the_current_directory()
    {
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);

        var options = Resolve(new Dictionary<string, string>());

        Assert.Equal(Path.Combine(localData, "monitoring", "agent", "spool"), options.SpoolDirectory);
        Assert.True(Path.IsPathFullyQualified(options.SpoolDirectory));
    }

    [Fact]
    public void Spool_directory_that_does_not_exist_yet_is_valid_and_validation_leaves_nothing_behind()
    {
        using var parent = new TempDirectory();
        var spool = Path.Combine(parent.Path, "nested", "spool");

        var options = Resolve(new Dictionary<string, string> { ["SPOOL_DIRECTORY"] = spool });

        Assert.Equal(spool, options.SpoolDirectory);
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent.Path));
    }

    [Fact]
    public void Spool_directory_below_a_file_fails_naming_the_setting()
    {
        using var parent = new TempDirectory();
        File.WriteAllText(parent.File("taken"), "");

        var error = FindError(new Dictionary<string, string> { ["SPOOL_DIRECTORY"] = Path.Combine(parent.Path, "taken", "spool") });

        Assert.NotNull(error);
        Assert.Contains("SPOOL_DIRECTORY", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_network_check_entry_is_named_in_the_error()
    {
        var error = FindError(new Dictionary<string, string> { ["NETWORK_CHECKS"] = "icmp://gateway.internal, db.internal:5432" });

        Assert.NotNull(error);
        Assert.Contains("NETWORK_CHECKS", error, StringComparison.Ordinal);
        Assert.Contains("'db.internal:5432'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_checks_may_be_a_list_in_appsettings_and_each_entry_is_validated()
    {
        var appsettings = new Dictionary<string, string?>
        {
            ["Agent:NETWORK_CHECKS:0"] = "tcp://db.internal:5432",
            ["Agent:NETWORK_CHECKS:1"] = "icmp://gateway.internal",
        };

        var options = Resolve([], appsettings: appsettings);
        using var bad = BuildServices([], [], new Dictionary<string, string?>(appsettings) { ["Agent:NETWORK_CHECKS:2"] = "db.internal" });

        Assert.Equal(["db.internal", "gateway.internal"], options.ParseNetworkTargets().Select(target => target.Host));
        Assert.Contains("'db.internal'", AgentConfigurationExtensions.FindConfigurationError(bad), StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_checks_value_from_the_environment_beats_the_appsettings_list()
    {
        var options = Resolve(
            new Dictionary<string, string> { ["NETWORK_CHECKS"] = "tcp://cache.internal:6379" },
            appsettings: new Dictionary<string, string?> { ["Agent:NETWORK_CHECKS:0"] = "tcp://db.internal:5432" });

        Assert.Equal(["cache.internal"], options.ParseNetworkTargets().Select(target => target.Host));
    }

    [Fact]
    public void More_network_checks_than_the_server_accepts_fail()
    {
        var error = FindError(new Dictionary<string, string> { ["NETWORK_CHECKS"] = string.Join(',', Enumerable.Range(1, 101).Select(port => $"tcp://db.internal:{port}")) });

        Assert.NotNull(error);
        Assert.Contains("NETWORK_CHECKS", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://monitor.example:5080", "http://monitor.example:5080/api/v1/metrics")]
    [InlineData("http://monitor.example:5080/", "http://monitor.example:5080/api/v1/metrics")]
    [InlineData("https://monitor.example/prefix", "https://monitor.example/prefix/api/v1/metrics")]
    [InlineData("https://monitor.example/prefix/", "https://monitor.example/prefix/api/v1/metrics")]
    public void Server_url_is_accepted_with_or_without_a_trailing_slash(string serverUrl, string endpoint)
    {
        var options = Resolve(new Dictionary<string, string> { ["SERVER_URL"] = serverUrl });

        Assert.Equal(new Uri(endpoint), options.MetricsEndpoint);
    }

    [Fact]
    public void Agent_name_defaults_to_the_configured_agent_id()
    {
        var options = Resolve(new Dictionary<string, string> { ["AGENT_ID"] = "web-01.eu" });

        Assert.Equal("web-01.eu", options.AgentName);
    }

    [Fact]
    public void Environment_beats_the_current_directory_env_file_which_beats_the_one_beside_the_executable_and_appsettings()
    {
        var besideExecutable = new Dictionary<string, string> { ["AGENT_ID"] = "from-exe-dir", ["AGENT_NAME"] = "exe", ["SERVER_URL"] = "http://exe.example" };
        var currentDirectory = new Dictionary<string, string> { ["AGENT_ID"] = "from-cwd", ["AGENT_NAME"] = "cwd" };
        var environment = new Dictionary<string, string> { ["AGENT_ID"] = "from-env" };
        var appsettings = new Dictionary<string, string?>
        {
            ["Agent:AGENT_ID"] = "from-appsettings",
            ["Agent:COLLECTION_INTERVAL"] = "15",
            ["Agent:SERVER_URL"] = "http://appsettings.example",
        };

        var options = Resolve(environment, [besideExecutable, currentDirectory], appsettings);

        Assert.Equal("from-env", options.AgentId);
        Assert.Equal("cwd", options.AgentName);
        Assert.Equal("http://exe.example", options.ServerUrl);
        Assert.Equal(15, options.CollectionInterval);
    }

    [Fact]
    public void Env_file_keys_reach_the_configuration_root_unless_the_environment_sets_them()
    {
        var file = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector.example:4317",
            ["OTEL_SERVICE_NAME"] = "from-file",
        };
        var environment = new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "from-env" };

        var settings = AgentSettingsSource.Build([file], environment.GetValueOrDefault);

        Assert.Equal("http://collector.example:4317", settings["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.False(settings.ContainsKey("OTEL_SERVICE_NAME"));
    }

    private static string? FindError(Dictionary<string, string> environment)
    {
        using var services = BuildServices(environment, [], []);
        return AgentConfigurationExtensions.FindConfigurationError(services);
    }

    private static AgentOptions Resolve(
        Dictionary<string, string> environment,
        IReadOnlyList<IReadOnlyDictionary<string, string>>? dotEnvFiles = null,
        Dictionary<string, string?>? appsettings = null)
    {
        using var services = BuildServices(environment, dotEnvFiles ?? [], appsettings ?? []);
        Assert.Null(AgentConfigurationExtensions.FindConfigurationError(services));
        return services.GetRequiredService<IOptions<AgentOptions>>().Value;
    }

    private static ServiceProvider BuildServices(
        Dictionary<string, string> environment,
        IReadOnlyList<IReadOnlyDictionary<string, string>> dotEnvFiles,
        Dictionary<string, string?> appsettings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(appsettings)
            .AddInMemoryCollection(AgentSettingsSource.Build(dotEnvFiles, environment.GetValueOrDefault))
            .Build();
        return new ServiceCollection().AddAgentOptions(configuration).BuildServiceProvider();
    }
}
