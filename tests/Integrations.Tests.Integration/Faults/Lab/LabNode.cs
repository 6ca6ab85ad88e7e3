using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>
/// A node of the fault lab: <c>esb serve</c> as its own process, so it can be killed -9 and started again with the same
/// folder, ports, schema and key, as a supervisor (systemd, Kubernetes) would restart it.
/// </summary>
public sealed class LabNode : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private EsbProcess _process;

    private LabNode(string folder, Dictionary<string, string> environment, EsbProcess process)
    {
        Folder = folder;
        _environment = environment;
        _process = process;
        Admin = new HttpClient { BaseAddress = new Uri(environment["ESB_ADMIN_URL"]), Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + TestNode.AdminPassword)));
        Channels = new HttpClient { BaseAddress = new Uri(environment["ESB_CHANNELS_URL"]), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Folder { get; }
    public HttpClient Admin { get; }
    public HttpClient Channels { get; }
    public string LogFile => Path.Combine(Folder, "logs", "server.log");
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a node on <paramref name="rabbitMq"/> and the schema given, and waits until it serves.</summary>
    public static async Task<LabNode> StartAsync(Servers servers, string name, string rabbitMq, string schema, string? postgres = null, string? roles = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
        var variables = new Dictionary<string, string>
        {
            ["ESB_RABBITMQ"] = rabbitMq,
            ["ESB_POSTGRES"] = postgres ?? servers.Postgres,
            ["ESB_SCHEMA"] = schema,
            ["ESB_NODE_NAME"] = name,
            ["ESB_CHANNELS_URL"] = $"http://127.0.0.1:{Ports.Free()}",
            ["ESB_ADMIN_URL"] = $"http://127.0.0.1:{Ports.Free()}",
            ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword,
            ["ESB_SECRET_KEY"] = servers.SecretKey,
            ["ESB_QUIET"] = "true",
            // A killed scheduler node's jobs are taken over within seconds, not the default 15.
            ["ESB_SCHEDULER_TAKEOVER"] = "3",
        };
        if (roles is not null) variables["ESB_ROLES"] = roles;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        var node = new LabNode(folder, variables, EsbProcess.Start(folder, variables, "serve"));
        await node._process.WaitUntilServingAsync(variables["ESB_CHANNELS_URL"], TimeSpan.FromSeconds(90));
        return node;
    }

    /// <summary>Kills the node's process (SIGKILL): what it held is the broker's to give again.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts the node again after a kill, as before, without waiting until it serves.</summary>
    public async Task StartAgainAsync()
    {
        await KeepOutputAsync();
        await _process.DisposeAsync();
        _process = EsbProcess.Start(Folder, _environment, "serve");
    }

    /// <summary>Waits until the node serves its channel port.</summary>
    public Task WaitUntilServingAsync() => _process.WaitUntilServingAsync(_environment["ESB_CHANNELS_URL"], TimeSpan.FromSeconds(90));

    /// <summary>Creates a configuration object through the admin API, which must accept it.</summary>
    public async Task CreateAsync(string path, string json)
    {
        var response = await Admin.PostAsync(path, AdminCalls.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path} {json}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Deploys the lab's services and points their outgoing AMQP connection <c>Count</c> at <paramref name="counter"/>'s
    /// queue of <paramref name="flow"/>.
    /// </summary>
    /// <summary>How many messages of <paramref name="channel"/> (a channel's, subscription's or service's name) the failed-message store holds.</summary>
    /// <remarks>A node started again after a kill runs messages before its ports serve: this waits until they do.</remarks>
    public async Task<int> DeadLetteredAsync(string channel)
    {
        await WaitUntilServingAsync();
        using var answer = System.Text.Json.JsonDocument.Parse(await Admin.GetStringAsync($"/admin/failed?state=all&limit=1&channel={Uri.EscapeDataString(channel)}"));
        return answer.RootElement.GetProperty("total").GetInt32();
    }

    public async Task PrepareAsync(Counter counter, string flow)
    {
        var queue = await counter.QueueAsync(flow);
        await DeployAsync(FaultServices.File, FaultServices.Source, "faults.work");
        await CreateAsync("/admin/security", JsonSerializer.Serialize(new
        {
            name = "Counter user", type = "basic_auth", username = counter.Credentials.User, secret = counter.Credentials.Password,
        }));
        await CreateAsync("/admin/connections/amqp", $$"""{"name":"Counter","address":"{{counter.BrokerUrl}}","security":"Counter user"}""");
        await CreateAsync("/admin/outgoing/amqp", $$"""{"name":"Count","connection":"Counter","routing_key":"{{queue}}"}""");
    }

    /// <summary>Deploys a service's source file and waits until the node runs it.</summary>
    public async Task DeployAsync(string file, string source, string service)
    {
        var response = await Admin.PostAsync("/admin/deployments", AdminCalls.Json(new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["name"] = file, ["source"] = source }),
        }.ToJsonString()));
        Assert.True(response.IsSuccessStatusCode, $"deploying {file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await WaitUntilItRunsAsync(service);
    }

    /// <summary>Waits until the node runs <paramref name="service"/> (deployed here or on another node of its cluster).</summary>
    public async Task WaitUntilItRunsAsync(string service)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var services = JsonDocument.Parse(await Admin.GetStringAsync("/admin/services"));
            if (services.RootElement.EnumerateArray().Any(s => s.GetProperty("name").GetString() == service)) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{service} was not deployed within 30 s");
            await Task.Delay(100);
        }
    }

    // What the process printed beside its log (a crash's last words), kept in its folder: console.log.
    private async Task KeepOutputAsync()
    {
        if (Directory.Exists(Folder))
            await File.AppendAllTextAsync(Path.Combine(Folder, "console.log"), $"{_process.Output}\n{_process.Error}\n");
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Channels.Dispose();
        await _process.DisposeAsync();
        await KeepOutputAsync();
    }
}
