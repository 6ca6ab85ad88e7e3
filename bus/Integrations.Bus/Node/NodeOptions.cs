using System.Reflection;

namespace Integrations.Bus.Node;

/// <summary>Everything a node needs to know to start; defaults suit one node on a developer's machine.</summary>
public sealed class NodeOptions
{
    /// <summary>The node's name in logs and answers; unique in the cluster.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>The backbone broker.</summary>
    public string RabbitMq { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>The config store's database.</summary>
    public string Postgres { get; set; } = "Host=127.0.0.1;Port=55432;Database=esb;Username=esb;Password=esb";

    /// <summary>The PostgreSQL schema holding the config store's tables.</summary>
    public string Schema { get; set; } = "esb";

    /// <summary>What this node does.</summary>
    public NodeRoles Roles { get; set; } = NodeRoles.All;

    /// <summary>Where channels (REST, WebSockets) listen.</summary>
    public string ChannelsUrl { get; set; } = "http://127.0.0.1:17010";

    /// <summary>Where the dashboard and the admin API listen.</summary>
    public string AdminUrl { get; set; } = "http://127.0.0.1:8183";

    /// <summary>The channel port's TLS certificate: required when <see cref="ChannelsUrl"/> is <c>https://</c>, and only then.</summary>
    public NodeCertificate? ChannelsCertificate { get; set; }

    /// <summary>The admin port's TLS certificate: required when <see cref="AdminUrl"/> is <c>https://</c>, and only then.</summary>
    public NodeCertificate? AdminCertificate { get; set; }

    /// <summary>The admin user's password; when null, one is generated at first start, printed once and kept in <see cref="DataDirectory"/>.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The cluster's key for secrets at rest (base64, 32 bytes); when null, the data directory's <c>secret.key</c>, made at first start.</summary>
    public string? SecretKey { get; set; }

    /// <summary>How long a caller waits for a service unless the service's settings say otherwise.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node re-reads all configuration, in case it missed an announcement while disconnected.</summary>
    public TimeSpan ConfigResync { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Folder of <c>server.log</c>; null writes no log file.</summary>
    public string? LogDirectory { get; set; } = "logs";

    /// <summary>Whether to log to the console too.</summary>
    public bool LogToConsole { get; set; } = true;

    /// <summary>The least important events written: verbose, debug, information, warning, error or fatal.</summary>
    public Serilog.Events.LogEventLevel LogLevel { get; set; } = Serilog.Events.LogEventLevel.Information;

    /// <summary>
    /// How the console and <c>server.log</c> write an event: <c>text</c>, the node's one line per event, or <c>json</c>,
    /// one JSON object per line (Serilog's compact JSON: <c>@t</c>, <c>@mt</c>, <c>@l</c>, the properties, <c>Cid</c> among them).
    /// </summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>
    /// A <c>Serilog</c> section read over the node's own console and file (more sinks, enrichers, level overrides;
    /// see <see cref="Logging.SerilogSettings"/>); null for none. The node's level (<see cref="LogLevel"/>) wins over
    /// the section's <c>MinimumLevel</c>.
    /// </summary>
    public Microsoft.Extensions.Configuration.IConfiguration? LogSettings { get; set; }

    /// <summary>Folder whose .cs files the node deploys when they are written; null watches none.</summary>
    public string? PickupDirectory { get; set; } = Path.Combine("pickup", "services");

    /// <summary>A YAML environment file applied at start and whenever it changes; null for none.</summary>
    public string? ImportFile { get; set; }

    /// <summary>Folder for the node's local files (the generated admin password).</summary>
    public string DataDirectory { get; set; } = ".esb";

    /// <summary>How often the node announces itself to the cluster (<c>esb nodes</c>): silent for three of these, it is shown as gone.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of its recent hops the node keeps for traces (<c>esb trace</c>): the oldest make room for new ones.</summary>
    public int TraceHops { get; set; } = Telemetry.Trail.DefaultCapacity;

    /// <summary>How long failed messages are kept once archived or retried (<c>esb failed</c>).</summary>
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long the runs of scheduled jobs are kept.</summary>
    public TimeSpan JobHistory { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Serve the tutorial's demo CRM and Billing systems on the channel port (<c>/tutorial/api/get-user</c>,
    /// <c>/tutorial/api/balance/get</c>); off unless asked (<c>esb serve --demo</c>).
    /// </summary>
    public bool Demo { get; set; }

    /// <summary>
    /// The kind of queue the backbone declares for services, their errors, subscriptions and run reports:
    /// <c>classic</c> (one broker) or <c>quorum</c> (replicated over a RabbitMQ cluster's nodes). Every node of a
    /// cluster uses the same; a queue declared as one kind is not declared again as the other.
    /// </summary>
    public string QueueType { get; set; } = "classic";

    /// <summary>
    /// How long a scheduler node that stopped checking in keeps its jobs before another node takes them over (it
    /// checks in every third of this): shorter fails over sooner, at a write to PostgreSQL per check-in.
    /// </summary>
    public TimeSpan SchedulerTakeover { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many calls one service's queue hands a node at a time.</summary>
    public int ServicePrefetch { get; set; } = 64;

    /// <summary>Assemblies whose services are registered at start, besides those that ship in <c>services/</c>.</summary>
    public List<Assembly> ServiceAssemblies { get; } = [];

    /// <summary>Checks the options and says which one is wrong.</summary>
    public void Validate()
    {
        Check(BrokerAddresses.Invalid(RabbitMq) is null,
            $"--rabbitmq: '{ServerAddress.RabbitMq(BrokerAddresses.Invalid(RabbitMq) ?? RabbitMq)}' is not an amqp:// or amqps:// address (a cluster's nodes: several, comma-separated)");
        Check(LogFormat is "text" or "json", $"--log-format: '{LogFormat}' is not a log format; use text or json");
        Check(QueueType is "classic" or "quorum", $"--queue-type: '{QueueType}' is not a queue type; use classic or quorum");
        Check(SchedulerTakeover >= TimeSpan.FromSeconds(3) && SchedulerTakeover <= TimeSpan.FromMinutes(10),
            $"--scheduler-takeover: {SchedulerTakeover.TotalSeconds:0.###} s is out of range; give 3 to 600 seconds");
        Check(FailedRetention >= TimeSpan.FromDays(1) && FailedRetention <= TimeSpan.FromDays(3650),
            $"--failed-retention: {FailedRetention.TotalDays:0.###} days is out of range; give 1 to 3650 days");
        Check(TraceHops is >= 1_000 and <= 10_000_000, $"--trace-hops: {TraceHops} is out of range; give 1000 to 10000000 hops");
        Check(!string.IsNullOrWhiteSpace(Postgres), "--postgres: a connection string is required");
        Check(Uri.TryCreate(ChannelsUrl, UriKind.Absolute, out var c) && c.Scheme is "http" or "https",
            $"--channels-url: '{ChannelsUrl}' is not an http:// or https:// address");
        Check(Uri.TryCreate(AdminUrl, UriKind.Absolute, out var a) && a.Scheme is "http" or "https",
            $"--admin-url: '{AdminUrl}' is not an http:// or https:// address");
        if (Roles.HasFlag(NodeRoles.Edge)) CheckTls("channels", ChannelsUrl, ChannelsCertificate);
        if (Roles.HasFlag(NodeRoles.Dashboard)) CheckTls("admin", AdminUrl, AdminCertificate);
        Check(DefaultTimeout > TimeSpan.Zero, "--timeout: must be more than zero");
        Check(System.Text.RegularExpressions.Regex.IsMatch(Schema, "^[a-z_][a-z0-9_]*$"),
            $"--schema: '{Schema}' must be lower-case letters, digits and underscores");
    }

    // An https:// port needs a certificate, and a certificate an https:// port: a certificate beside an http:// address
    // would look like TLS and be none.
    private static void CheckTls(string port, string url, NodeCertificate? certificate)
    {
        var https = NodeTls.IsHttps(url);
        Check(!https || certificate is not null,
            $"--{port}-url: '{url}' is https:// and needs a certificate: --{port}-certificate (a PEM file, its key in --{port}-certificate-key, or a .pfx)");
        Check(https || certificate is null,
            $"--{port}-certificate: given, but --{port}-url '{url}' is not https://; serve https:// or give no certificate");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
