using System.Diagnostics;
using System.Net.Sockets;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>
/// A RabbitMQ of the test's own, beside the one every test shares, that the test may stop, start and kill: Debian's
/// rabbitmq-server with its own node name, ports and folders (./test.sh installs the package; starting it needs root,
/// as Debian's wrapper runs the broker as the rabbitmq user).
/// </summary>
public sealed class PrivateBroker : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Dictionary<string, string> _environment;

    private PrivateBroker(int port)
    {
        Port = port;
        _folder = Path.Combine(Path.GetTempPath(), "esb-tests", $"broker-{port}-{Guid.NewGuid().ToString("N")[..6]}");
        var loopbackOnly = "-kernel inet_dist_use_interface {127,0,0,1}";
        _environment = new()
        {
            ["RABBITMQ_NODENAME"] = $"esbtest{port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = (port + DistOffset).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_folder, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_folder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_folder, "rabbitmq.conf"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(_folder, "rabbit.pid"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = loopbackOnly,
            ["RABBITMQ_CTL_ERL_ARGS"] = loopbackOnly,
        };
    }

    /// <summary>The AMQP port.</summary>
    public int Port { get; }

    /// <summary>Its Erlang node name, as a cluster knows it.</summary>
    public string NodeName => _environment["RABBITMQ_NODENAME"];

    /// <summary>
    /// Makes this broker a node of <paramref name="first"/>'s cluster (its queues and messages are dropped): the cluster
    /// of three the fault suite kills one node of. Nodes on one machine share the Erlang cookie of the rabbitmq user.
    /// </summary>
    public async Task JoinAsync(PrivateBroker first)
    {
        await RunAsync("rabbitmqctl", _environment, "-q", "stop_app");
        await RunAsync("rabbitmqctl", _environment, "-q", "join_cluster", first.NodeName);
        await RunAsync("rabbitmqctl", _environment, "-q", "start_app");
        await RunAsync("rabbitmqctl", _environment, "-q", "await_startup");
    }

    /// <summary>The type of each queue (<c>classic</c>, <c>quorum</c>) by name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> QueueTypesAsync()
    {
        var listed = await OutputOfAsync("rabbitmqctl", _environment, "-q", "list_queues", "name", "type");
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).Where(f => f.Length == 2)
            .ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.Ordinal);
    }

    /// <summary>The node of the cluster each connection whose client named itself <paramref name="client"/> is on.</summary>
    public async Task<IReadOnlyList<string>> NodesOfConnectionsAsync(string client)
    {
        // A connection's process id names its node: <esbtest20807@localhost.1796148167.565.0>.
        var listed = await OutputOfAsync("rabbitmqctl", _environment, "-q", "list_connections", "pid", "client_properties");
        return [.. listed.Split('\n').Where(line => line.Contains(client, StringComparison.Ordinal))
            .Select(line => line.Split('\t')[0].Trim().TrimStart('<'))
            .Select(pid => pid[..pid.IndexOf('.', pid.IndexOf('@', StringComparison.Ordinal))])];
    }

    /// <summary>Its address, with the default user (allowed from loopback).</summary>
    public string Address => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>Its address without credentials, as a connection_amqp names it (the client's default user is guest).</summary>
    public string Url => $"amqp://127.0.0.1:{Port}/";

    // Its cluster links listen this far above its AMQP port.
    private const int DistOffset = 6000;

    /// <summary>Starts a broker on a free port (and the port 6000 above it, for its cluster links), with the plugins named (say <c>rabbitmq_amqp1_0</c>).</summary>
    public static async Task<PrivateBroker> StartAsync(params string[] plugins)
    {
        // 20000–26000, and 26000–32000 for the links: both below the ports the system gives outgoing connections.
        var port = Ports.ForServer(20000, 26000, p => Ports.IsFree(p + DistOffset));
        var broker = new PrivateBroker(port);
        Directory.CreateDirectory(broker._folder);
        await File.WriteAllTextAsync(broker._environment["RABBITMQ_ENABLED_PLUGINS_FILE"], $"[{string.Join(',', plugins)}].\n");
        await RunAsync("chown", "-R", "rabbitmq:rabbitmq", broker._folder);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts <paramref name="count"/> brokers side by side; should one not start, the others are stopped.</summary>
    public static async Task<PrivateBroker[]> StartSeveralAsync(int count)
    {
        var starting = Enumerable.Range(0, count).Select(_ => StartAsync()).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var one in starting.Where(s => s.IsCompletedSuccessfully)) await (await one).DisposeAsync();
            throw;
        }
        var brokers = new PrivateBroker[count];
        for (var i = 0; i < count; i++) brokers[i] = await starting[i];
        return brokers;
    }

    /// <summary>Starts the broker (again, after a stop or a kill) and waits until it takes connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("setsid", ["rabbitmq-server"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!IsOpen(Port))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the private broker did not listen on {Port} within 60 s; see {_folder}/log");
            await Task.Delay(100);
        }
        // The port opens a moment before the broker accepts logins.
        await RunAsync("rabbitmqctl", _environment, "-q", "await_startup");
    }

    /// <summary>A clean stop: the broker closes its connections (CONNECTION_FORCED) and keeps durable queues and persistent messages.</summary>
    public Task StopAsync() => RunAsync("rabbitmqctl", _environment, "-q", "shutdown");

    /// <summary>A crash: the broker's process is killed (SIGKILL).</summary>
    public async Task KillAsync()
    {
        var pid = (await File.ReadAllTextAsync(_environment["RABBITMQ_PID_FILE"])).Trim();
        await RunAsync("kill", "-9", pid);
        while (IsOpen(Port)) await Task.Delay(50);
    }

    /// <summary>How many consumers <paramref name="queue"/> has now, and how many messages wait in it.</summary>
    public async Task<(uint Consumers, uint Messages)> QueueAsync(string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(Address) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var state = await channel.QueueDeclarePassiveAsync(queue);
        return (state.ConsumerCount, state.MessageCount);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (IsOpen(Port)) await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static bool IsOpen(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static Task RunAsync(string command, params string[] args) => RunAsync(command, new Dictionary<string, string>(), args);

    internal static async Task RunAsync(string command, Dictionary<string, string> environment, params string[] args) =>
        await OutputOfAsync(command, environment, args);

    internal static async Task<string> OutputOfAsync(string command, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(command, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        return await output;
    }
}
