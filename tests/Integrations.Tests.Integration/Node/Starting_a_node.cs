using System.Net;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Node;

/// <summary><c>esb serve</c> as a user starts it: the key that encrypts secrets, and what a node says when it cannot join.</summary>
[Collection(ServersCollection.Name)]
public sealed class Starting_a_node(Servers servers)
{
    [Fact]
    public async Task A_node_given_the_cluster_key_in_ESB_SECRET_KEY_joins_with_a_data_folder_of_its_own_and_reads_its_secrets()
    {
        await using var first = await TestNode.StartAsync(servers, "key-first", isolated: true);
        await first.CreateAsync("/admin/security", """{"name":"Joined Key","type":"apikey"}""");
        await first.SetSecretAsync("Joined Key", "s3cret");
        await first.CreateAsync("/admin/channels/rest", """{"name":"Joined","service":"demo.hello","url_path":"/joined","security":"Joined Key"}""");

        var folder = Folder("key-second");
        var channels = $"http://127.0.0.1:{Ports.Free()}";
        await using var second = EsbProcess.Start(folder, Environment(first.Options.Schema, channels, servers.SecretKey), "serve", "--roles", "edge,worker", "--quiet");
        await second.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));

        // The second node decrypts the key the first stored: it checks callers with it.
        using var http = new HttpClient { BaseAddress = new Uri(channels) };
        var call = new HttpRequestMessage(HttpMethod.Get, "/joined?name=Mike");
        call.Headers.Add("X-API-Key", "s3cret");
        var answer = await http.SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"greeting":"Howdy Mike!"}""", await answer.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(folder, ".esb", "secret.key")), "a node given ESB_SECRET_KEY makes no key file of its own");
    }

    [Fact]
    public async Task A_node_with_another_key_refuses_before_it_connects_to_anything_and_says_how_to_choose()
    {
        await using var first = await TestNode.StartAsync(servers, "key-owner", isolated: true);
        var folder = Folder("other-checkout");
        var channels = $"http://127.0.0.1:{Ports.Free()}";
        // Another checkout: a data folder of its own, hence a key of its own, and the same schema.
        await using var other = EsbProcess.Start(folder, Environment(first.Options.Schema, channels, secretKey: null), "serve");
        await other.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, other.ExitCode);
        var error = other.Error;
        Assert.Contains($"schema '{first.Options.Schema}' of database '{new Npgsql.NpgsqlConnectionStringBuilder(servers.Postgres).Database}'", error);
        Assert.Contains("belongs to a cluster whose secrets are encrypted with another key than this node's", error);
        Assert.Contains(Path.Combine(folder, ".esb", "secret.key"), error);
        Assert.Contains("ESB_SCHEMA=", error);
        Assert.Contains("set ESB_SECRET_KEY", error);
        Assert.DoesNotContain("Are both running", error);
        // It stopped before anything else started: nothing was logged about the broker, the channels or services.
        var log = await File.ReadAllTextAsync(Path.Combine(folder, "logs", "server.log"));
        Assert.DoesNotContain("[backbone]", log);
        Assert.DoesNotContain("Now listening", log);
        Assert.DoesNotContain(Path.Combine(folder, ".esb", "admin-password"), other.Output);
    }

    [Fact]
    public async Task A_new_cluster_started_from_the_same_folder_keeps_the_folders_admin_password_and_the_cli_works_with_both()
    {
        var folder = Folder("password");
        var password = Path.Combine(folder, ".esb", "admin-password");
        var channels = $"http://127.0.0.1:{Ports.Free()}";
        var first = Environment(servers.NewSchema(), channels, secretKey: null, adminPassword: null);
        string made;
        await using (var node = EsbProcess.Start(folder, first, "serve", "--quiet"))
        {
            await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));
            made = (await File.ReadAllTextAsync(password)).Trim();
            Assert.Contains($"password: {made}", node.Output);
            Assert.Equal(0, (await EsbProcess.RunAsync(folder, Cli(first), "invoke", "demo.hello", "name=Mike")).Code);
        }

        // The same folder, a fresh schema (as when the tutorial is imported into a fresh environment).
        var second = Environment(servers.NewSchema(), channels, secretKey: null, adminPassword: null);
        await using (var node = EsbProcess.Start(folder, second, "serve", "--quiet"))
        {
            await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));
            Assert.Equal(made, (await File.ReadAllTextAsync(password)).Trim());
            Assert.Contains($"the password kept in {password}", node.Output);
            Assert.DoesNotContain("password: ", node.Output);
            var invoked = await EsbProcess.RunAsync(folder, Cli(second), "invoke", "demo.hello", "name=Mike");
            Assert.True(invoked.Code == 0, invoked.Err);
            Assert.Equal("""{"greeting":"Howdy Mike!"}""", invoked.Out.Trim());
        }

        // A cluster made elsewhere, with another password: the file stays as it is, and the node says what that means.
        await using var elsewhere = await TestNode.StartAsync(servers, "password-elsewhere", isolated: true);
        var third = Environment(elsewhere.Options.Schema, channels, servers.SecretKey, adminPassword: null);
        await using (var node = EsbProcess.Start(folder, third, "serve", "--quiet"))
        {
            await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60));
            Assert.Equal(made, (await File.ReadAllTextAsync(password)).Trim());
            await LogLines.WaitForAsync(Path.Combine(folder, "logs", "server.log"),
                l => l.Contains($"The admin password kept in {password} is not the admin password of this cluster") && l.Contains("ESB_ADMIN_PASSWORD"));
        }
    }

    // What the CLI run from the node's folder gets: where the node is, and no password but the folder's.
    private static Dictionary<string, string> Cli(Dictionary<string, string> node) => new() { ["ESB_ADMIN_URL"] = node["ESB_ADMIN_URL"] };

    private static string Folder(string name) => Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);

    private Dictionary<string, string> Environment(string schema, string channels, string? secretKey, string? adminPassword = TestNode.AdminPassword)
    {
        var environment = new Dictionary<string, string>
        {
            ["ESB_RABBITMQ"] = servers.RabbitMq,
            ["ESB_POSTGRES"] = servers.Postgres,
            ["ESB_SCHEMA"] = schema,
            ["ESB_CHANNELS_URL"] = channels,
            ["ESB_ADMIN_URL"] = $"http://127.0.0.1:{Ports.Free()}",
        };
        if (adminPassword is not null) environment["ESB_ADMIN_PASSWORD"] = adminPassword;
        if (secretKey is not null) environment["ESB_SECRET_KEY"] = secretKey;
        return environment;
    }
}
