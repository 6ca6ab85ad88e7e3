using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Node;

/// <summary>
/// <c>esb serve</c>'s settings in layers, the last winning: <c>appsettings.json</c>'s <c>Esb</c> section, then
/// <c>ESB_*</c> variables, then the command line; a bad file or value is refused naming the file and the setting.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Configuring_a_node(Servers servers)
{
    [Fact]
    public async Task The_file_sets_what_the_environment_and_the_command_line_do_not()
    {
        var folder = Folder("settings");
        var fromFile = $"http://127.0.0.1:{Ports.Free()}";
        var admin = $"http://127.0.0.1:{Ports.Free()}";
        var schema = servers.NewSchema();
        await WriteSettingsAsync(folder, new
        {
            Esb = new
            {
                RabbitMq = servers.RabbitMq, Postgres = servers.Postgres, Schema = "not-this-one", ChannelsUrl = fromFile, AdminUrl = admin,
                NodeName = "from-the-file", Roles = "edge,worker", Quiet = true, LogLevel = "Warning",
            },
        });
        // The schema from the environment wins over the file's; the node's name from the command line over both.
        await using var node = EsbProcess.Start(folder, new Dictionary<string, string> { ["ESB_SCHEMA"] = schema, ["ESB_NODE_NAME"] = "from-the-environment", ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword },
            "serve", "--name", "from-the-command-line");
        await node.WaitUntilServingAsync(fromFile, TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri(fromFile) };
        using var ping = JsonDocument.Parse(await http.GetStringAsync("/esb/ping"));
        Assert.Equal("from-the-command-line", ping.RootElement.GetProperty("node").GetString());
        // Quiet and at the warning level, from the file: no information line anywhere.
        Assert.DoesNotContain(" INF ", node.Output);
        var log = Path.Combine(folder, "logs", "server.log");
        Assert.False(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains(" INF "), "information lines in the log at the warning level");
        await using var database = new Npgsql.NpgsqlConnection(servers.Postgres);
        await database.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand("select count(*) from information_schema.schemata where schema_name = @s", database);
        query.Parameters.AddWithValue("s", schema);
        Assert.Equal(1L, await query.ExecuteScalarAsync());
        query.Parameters["s"].Value = "not-this-one";
        Assert.Equal(0L, await query.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("""{"Esb": {"ChanelsUrl": "http://127.0.0.1:1"}}""", "Esb:ChanelsUrl is not a setting; did you mean 'ChannelsUrl'?")]
    [InlineData("""{"Esb": {"Timeout": "soon"}}""", "Esb:Timeout: expected a number, got 'soon'")]
    [InlineData("""{"Esb": {"Quiet": "maybe"}}""", "Esb:Quiet: expected true or false, got 'maybe'")]
    [InlineData("""{"Esb": {"LogLevel": "Loud"}}""", "Esb:LogLevel: 'Loud' is not one of Verbose, Debug, Information, Warning, Error, Fatal")]
    [InlineData("""{"Esb": {"Roles": "edge",}""", "is not valid JSON")]
    public async Task A_bad_settings_file_is_refused_naming_the_file_and_the_setting(string json, string says)
    {
        var folder = Folder("bad-settings");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), json);
        await using var node = EsbProcess.Start(folder, new Dictionary<string, string>(), "serve");
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, node.ExitCode);
        Assert.Contains(Path.Combine(folder, "appsettings.json"), node.Error);
        Assert.Contains(says, node.Error);
    }

    [Fact]
    public async Task A_bad_value_in_the_environment_is_named_by_its_variable()
    {
        var folder = Folder("bad-variable");
        await using var node = EsbProcess.Start(folder, new Dictionary<string, string> { ["ESB_TIMEOUT"] = "soon" }, "serve");
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, node.ExitCode);
        Assert.Contains("esb serve: ESB_TIMEOUT: expected a number, got 'soon'", node.Error);
    }

    private static async Task WriteSettingsAsync(string folder, object settings)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), JsonSerializer.Serialize(settings));
    }

    private static string Folder(string name) => Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
}
