using System.CommandLine;
using Integrations.Bus.Node;
using Integrations.Host;

namespace Integrations.Esb.Cli;

internal static class ServeCommand
{
    // In the repository, its ./esb script; installed as a .NET tool, esb on the PATH.
    private static string Esb => File.Exists(Path.Combine(Environment.CurrentDirectory, "esb")) ? "./esb" : "esb";

    public static Command Create()
    {
        var defaults = new NodeOptions();
        // appsettings.json, then ESB_* variables, then the options: read only when esb serve runs.
        var file = new Lazy<NodeSettings>(NodeSettings.Load);
        var rabbit = new Option<string>("--rabbitmq")
        {
            Description = "The backbone broker (env ESB_RABBITMQ).",
            DefaultValueFactory = _ => file.Value.Text("ESB_RABBITMQ", "RabbitMq", defaults.RabbitMq),
        };
        var postgres = new Option<string>("--postgres")
        {
            Description = "The config store's PostgreSQL connection string (env ESB_POSTGRES).",
            DefaultValueFactory = _ => file.Value.Text("ESB_POSTGRES", "Postgres", defaults.Postgres),
        };
        var schema = new Option<string>("--schema")
        {
            Description = "The PostgreSQL schema of the config store (env ESB_SCHEMA).",
            DefaultValueFactory = _ => file.Value.Text("ESB_SCHEMA", "Schema", defaults.Schema),
        };
        var roles = new Option<string>("--roles")
        {
            Description = "What this node does: all, or a comma-separated list of edge, worker, scheduler, dashboard (env ESB_ROLES).",
            DefaultValueFactory = _ => file.Value.Text("ESB_ROLES", "Roles", "all"),
        };
        var channels = new Option<string>("--channels-url")
        {
            Description = "Where channels listen (env ESB_CHANNELS_URL).",
            DefaultValueFactory = _ => file.Value.Text("ESB_CHANNELS_URL", "ChannelsUrl", defaults.ChannelsUrl),
        };
        var admin = new Option<string>("--admin-url")
        {
            Description = "Where the dashboard and the admin API listen (env ESB_ADMIN_URL).",
            DefaultValueFactory = _ => file.Value.Text("ESB_ADMIN_URL", "AdminUrl", defaults.AdminUrl),
        };
        var channelsCertificate = new Option<string?>("--channels-certificate")
        {
            Description = "The channel port's TLS certificate, for an https:// --channels-url: a PEM file, or a .pfx; its password from ESB_CHANNELS_CERTIFICATE_PASSWORD (env ESB_CHANNELS_CERTIFICATE).",
            DefaultValueFactory = _ => file.Value.Text("ESB_CHANNELS_CERTIFICATE", "ChannelsCertificate:Path"),
        };
        var channelsKey = new Option<string?>("--channels-certificate-key")
        {
            Description = "The PEM private key of --channels-certificate, when it is not in the same file (env ESB_CHANNELS_CERTIFICATE_KEY).",
            DefaultValueFactory = _ => file.Value.Text("ESB_CHANNELS_CERTIFICATE_KEY", "ChannelsCertificate:KeyPath"),
        };
        var adminCertificate = new Option<string?>("--admin-certificate")
        {
            Description = "The admin port's TLS certificate, for an https:// --admin-url: a PEM file, or a .pfx; its password from ESB_ADMIN_CERTIFICATE_PASSWORD (env ESB_ADMIN_CERTIFICATE).",
            DefaultValueFactory = _ => file.Value.Text("ESB_ADMIN_CERTIFICATE", "AdminCertificate:Path"),
        };
        var adminKey = new Option<string?>("--admin-certificate-key")
        {
            Description = "The PEM private key of --admin-certificate, when it is not in the same file (env ESB_ADMIN_CERTIFICATE_KEY).",
            DefaultValueFactory = _ => file.Value.Text("ESB_ADMIN_CERTIFICATE_KEY", "AdminCertificate:KeyPath"),
        };
        var name = new Option<string>("--name")
        {
            Description = "The node's name in logs and answers (env ESB_NODE_NAME; default: host name and process id).",
            DefaultValueFactory = _ => file.Value.Text("ESB_NODE_NAME", "NodeName", defaults.NodeName),
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds a caller waits for a service unless its settings say otherwise (env ESB_TIMEOUT).",
            DefaultValueFactory = _ => file.Value.Number("ESB_TIMEOUT", "Timeout", defaults.DefaultTimeout.TotalSeconds),
        };
        var logDir = new Option<string>("--log-dir")
        {
            Description = "Folder of server.log (env ESB_LOG_DIR).",
            DefaultValueFactory = _ => file.Value.Text("ESB_LOG_DIR", "LogDir", defaults.LogDirectory!),
        };
        var logLevel = new Option<Serilog.Events.LogEventLevel>("--log-level")
        {
            Description = "The least important events logged: Verbose, Debug, Information, Warning, Error, Fatal (env ESB_LOG_LEVEL).",
            // Below the node's own level settings: the Serilog section's MinimumLevel.
            DefaultValueFactory = _ => file.Value.Choice("ESB_LOG_LEVEL", "LogLevel", file.Value.SerilogLevel ?? Serilog.Events.LogEventLevel.Information),
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "How the console and server.log write events: text (one line each) or json (compact JSON, one object a line) (env ESB_LOG_FORMAT).",
            DefaultValueFactory = _ => file.Value.Text("ESB_LOG_FORMAT", "LogFormat", defaults.LogFormat),
        };
        var quiet = new Option<bool>("--quiet")
        {
            Description = "Log to the log file only, not to the console (env ESB_QUIET=true).",
            DefaultValueFactory = _ => file.Value.Flag("ESB_QUIET", "Quiet"),
        };
        var pickup = new Option<string>("--pickup-dir")
        {
            Description = "Folder whose .cs files the node deploys when they are written (env ESB_PICKUP_DIR).",
            DefaultValueFactory = _ => file.Value.Text("ESB_PICKUP_DIR", "PickupDir", defaults.PickupDirectory!),
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Folder for the node's local files, such as the generated admin password (env ESB_DATA_DIR).",
            DefaultValueFactory = _ => file.Value.Text("ESB_DATA_DIR", "DataDir", defaults.DataDirectory),
        };

        var import = new Option<string?>("--import")
        {
            Description = "A YAML environment file (as esb export writes) to apply at start and again whenever it changes; Esb_Env.NAME values come from the node's environment (env ESB_IMPORT).",
            DefaultValueFactory = _ => file.Value.Text("ESB_IMPORT", "Import"),
        };

        var queueType = new Option<string>("--queue-type")
        {
            Description = "The backbone's queues: classic (one broker) or quorum (replicated over a RabbitMQ cluster); the same on every node (env ESB_QUEUE_TYPE).",
            DefaultValueFactory = _ => file.Value.Text("ESB_QUEUE_TYPE", "QueueType", defaults.QueueType),
        };

        var takeover = new Option<double>("--scheduler-takeover")
        {
            Description = "Seconds a scheduler node may stop checking in before another node takes its jobs over (it checks in every third of it); 3 to 600 (env ESB_SCHEDULER_TAKEOVER).",
            DefaultValueFactory = _ => file.Value.Number("ESB_SCHEDULER_TAKEOVER", "SchedulerTakeover", defaults.SchedulerTakeover.TotalSeconds),
        };

        var failedRetention = new Option<double>("--failed-retention")
        {
            Description = "Days a failed message is kept once it was archived or retried (esb failed); 1 to 3650 (env ESB_FAILED_RETENTION).",
            DefaultValueFactory = _ => file.Value.Number("ESB_FAILED_RETENTION", "FailedRetention", defaults.FailedRetention.TotalDays),
        };

        var traceHops = new Option<double>("--trace-hops")
        {
            Description = "How many of its recent hops the node keeps for esb trace (channels, service runs, outgoing calls; the oldest make room); 1000 to 10000000 (env ESB_TRACE_HOPS).",
            DefaultValueFactory = _ => file.Value.Number("ESB_TRACE_HOPS", "TraceHops", defaults.TraceHops),
        };

        var demo = new Option<bool>("--demo")
        {
            Description = "Also serve the tutorial's demo CRM and Billing systems on the channel port, under /tutorial/api/ (env ESB_DEMO=true).",
            DefaultValueFactory = _ => file.Value.Flag("ESB_DEMO", "Demo"),
        };

        var command = new Command("serve", """
            Run a node: channels, the admin API, and workers for every service, on the RabbitMQ backbone and the
            PostgreSQL config store. Nodes pointed at the same RabbitMQ and PostgreSQL form a cluster.
            The admin password comes from ESB_ADMIN_PASSWORD; without it the first node of a cluster makes one,
            prints it once and keeps it in the data directory. The key that encrypts secrets comes from
            ESB_SECRET_KEY (base64 of 32 bytes), else from the data directory's secret.key, made at first start;
            every node of a cluster needs the same key. An https:// address serves the certificate its
            --channels-certificate or --admin-certificate names; a .pfx's or an encrypted key's password comes
            from ESB_CHANNELS_CERTIFICATE_PASSWORD or ESB_ADMIN_CERTIFICATE_PASSWORD.
            Settings come from appsettings.json's "Esb" section (in the working directory, or the file ESB_CONFIG
            names; compose/appsettings.example.json lists them), then ESB_* variables, then these options. Its
            "Serilog" section (and ESB_SERILOG__* variables) adds sinks, such as Seq and OpenTelemetry, to the log.
            """)
        {
            rabbit, postgres, schema, roles, channels, admin, channelsCertificate, channelsKey, adminCertificate, adminKey, name, timeout, logDir, logLevel, logFormat, quiet, pickup, dataDir, import, queueType, takeover, failedRetention, traceHops, demo,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            NodeOptions options;
            try
            {
                options = new NodeOptions
                {
                    RabbitMq = parse.GetValue(rabbit)!,
                    Postgres = parse.GetValue(postgres)!,
                    Schema = parse.GetValue(schema)!,
                    Roles = NodeRolesParser.Parse(parse.GetValue(roles)!),
                    ChannelsUrl = parse.GetValue(channels)!,
                    AdminUrl = parse.GetValue(admin)!,
                    // The passwords from the environment only, as the admin password and the key.
                    ChannelsCertificate = Certificate(parse.GetValue(channelsCertificate), parse.GetValue(channelsKey), Env.Get("ESB_CHANNELS_CERTIFICATE_PASSWORD")),
                    AdminCertificate = Certificate(parse.GetValue(adminCertificate), parse.GetValue(adminKey), Env.Get("ESB_ADMIN_CERTIFICATE_PASSWORD")),
                    NodeName = parse.GetValue(name)!,
                    DefaultTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    LogDirectory = parse.GetValue(logDir),
                    LogLevel = parse.GetValue(logLevel),
                    LogFormat = parse.GetValue(logFormat)!.ToLowerInvariant(),
                    LogSettings = file.Value.Serilog,
                    LogToConsole = !parse.GetValue(quiet),
                    DataDirectory = parse.GetValue(dataDir)!,
                    PickupDirectory = parse.GetValue(pickup),
                    ImportFile = parse.GetValue(import),
                    Demo = parse.GetValue(demo),
                    QueueType = parse.GetValue(queueType)!,
                    SchedulerTakeover = TimeSpan.FromSeconds(parse.GetValue(takeover)),
                    FailedRetention = TimeSpan.FromDays(parse.GetValue(failedRetention)),
                    TraceHops = (int)Math.Min(int.MaxValue, parse.GetValue(traceHops)),
                    AdminPassword = Env.Get("ESB_ADMIN_PASSWORD"),
                    // From the environment only: a key on the command line would show in the process list.
                    SecretKey = Env.Get("ESB_SECRET_KEY"),
                };
                if (file.Value.Errors is { Count: > 0 } errors)
                {
                    foreach (var error in errors) Console.Error.WriteLine($"esb serve: {error}");
                    return 2;
                }
                options.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"esb serve: {e.Message}");
                return 2;
            }
            return await RunAsync(options, cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(NodeOptions options, CancellationToken cancellation)
    {
        WebApplication app;
        try
        {
            app = EsbNode.Build(options);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"esb serve: {e.Message}");
            return 2;
        }

        try
        {
            await app.StartAsync(cancellation);
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            // The node knows what is wrong and what to do: say that, and nothing about servers that are running fine.
            Console.Error.WriteLine($"esb serve: {refusal.Message}");
            await app.DisposeAsync();
            return 1;
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C while the node waited for its servers.
            Console.Error.WriteLine("esb serve: stopped before the node was up");
            await app.DisposeAsync();
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"""
                esb serve: the node could not start: {Innermost(e).Message}
                  RabbitMQ:   {ServerAddress.RabbitMq(options.RabbitMq)}
                  PostgreSQL: {ServerAddress.Postgres(options.Postgres)}
                Are both running? compose/local-services.sh starts them on this machine (./run.sh does it for you).
                """);
            await app.DisposeAsync();
            return 1;
        }

        var roles = options.Roles == NodeRoles.All ? "all" : options.Roles.ToString().ToLowerInvariant();
        Console.WriteLine($"Integrations node {options.NodeName} is up (roles: {roles}).");
        if (options.Roles.HasFlag(NodeRoles.Edge))
            Console.WriteLine($"  channels:   {options.ChannelsUrl}   (try: curl {options.ChannelsUrl}/esb/ping)");
        if (options.Roles.HasFlag(NodeRoles.Dashboard))
            Console.WriteLine($"  dashboard:  {options.AdminUrl}   (and the admin API; user admin; try: {Esb} invoke demo.hello name=Mike)");
        if (options.Demo && options.Roles.HasFlag(NodeRoles.Edge))
            Console.WriteLine($"  demo:       {options.ChannelsUrl}/tutorial/api/get-user and /tutorial/api/balance/get   (the tutorial's CRM and Billing)");
        if (options.LogDirectory is not null)
            Console.WriteLine($"  log:        {Path.Combine(options.LogDirectory, "server.log")}");
        Console.WriteLine("Press Ctrl-C to stop.");

        await app.WaitForShutdownAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    // A key file alone is a certificate without its file: NodeCertificate.Load says so.
    private static NodeCertificate? Certificate(string? path, string? key, string? password) =>
        path is not { Length: > 0 } && key is not { Length: > 0 } ? null : new NodeCertificate(path ?? "", key, password);

    private static NodeStartRefusedException? Refusal(Exception e) => e switch
    {
        NodeStartRefusedException refused => refused,
        AggregateException many => many.InnerExceptions.Select(Refusal).FirstOrDefault(r => r is not null),
        _ => e.InnerException is { } inner ? Refusal(inner) : null,
    };

    private static Exception Innermost(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner }) e = inner;
        return e.InnerException is { } cause && e.Message.Length < 20 ? cause : e;
    }
}
