using Monitoring.Agent.Configuration;

namespace Monitoring.Agent.Tests.Configuration;

public sealed class DotEnvFileTests
{
    [Fact]
    public void Env_file_lines_are_read_with_comments_quotes_and_export_prefixes()
    {
        const string content = """
            # agent settings
            AGENT_ID=web-01

            export SERVER_URL = "http://monitor.example:5080/"
            AGENT_NAME='Web server #1'
            COLLECTION_INTERVAL=30 # every half minute
            EMPTY=
            not a setting
            """;

        var values = DotEnvFile.Parse(new StringReader(content));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["AGENT_ID"] = "web-01",
                ["SERVER_URL"] = "http://monitor.example:5080/",
                ["AGENT_NAME"] = "Web server #1",
                ["COLLECTION_INTERVAL"] = "30",
                ["EMPTY"] = "",
            },
            values);
    }

    [Fact]
    public void A_later_line_overrides_an_earlier_one()
    {
        var values = DotEnvFile.Parse(new StringReader("AGENT_ID=first\nAGENT_ID=second\n"));

        Assert.Equal("second", values["AGENT_ID"]);
    }

    [Fact]
    public void A_missing_env_file_yields_no_settings()
    {
        using var directory = new TempDirectory();

        Assert.Empty(DotEnvFile.Read(directory.File(".env")));
    }
}
