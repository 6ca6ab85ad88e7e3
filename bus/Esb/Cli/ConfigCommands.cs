using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Integrations.Bus.Edge;

namespace Integrations.Esb.Cli;

/// <summary>
/// One command per kind of configuration object, each with the same verbs — list, show, create, update, delete —
/// and the kind's own (change-secret, ping). Fields are given as key=value pairs or one JSON object, named as in the
/// admin API and in YAML (snake_case).
/// </summary>
internal static class ConfigCommands
{
    /// <summary>How <c>list</c> shows a kind: what its objects are called, and the few fields that say what each one is.</summary>
    private sealed record Listing(string Plural, Column[] Columns);

    private static readonly Column Name = Column.Field("name");
    private static readonly Column Active = Column.Field("is_active", "ACTIVE");

    public static IEnumerable<Command> Create()
    {
        var security = Kind("security", "admin/security", "security definitions: API keys, Basic Auth, JWT, OAuth client credentials", """
              name          the definition's name
              type          apikey | basic_auth | jwt | oauth
              header        apikey: the header carrying the key (default X-API-Key)
              username      basic_auth: the user name;  realm: the realm named in the challenge
              algorithm     jwt: HS256 (secret = shared key, 32+ bytes) | RS256 (secret = the issuer's public key, PEM)
              issuer, audience   jwt: required issuer and audience, if any
              token_url, client_id, scopes   oauth: the token endpoint and client (the secret is the client secret)
              is_active     true | false
            A new definition gets a random secret; set yours with: esb security change-secret NAME
            """, "esb security create name=\"My API Key\" type=apikey",
            new Listing("security definitions", [Name, Column.Field("type"), Column.Pairs("DETAILS", "header", "username", "realm", "algorithm", "issuer", "audience", "token_url", "client_id", "scopes"), Active]));
        security.Subcommands.Add(ChangeSecret());

        var outgoing = Kind("outgoing-rest", "admin/outgoing/rest", "outgoing REST connections: the systems services call by name", """
              name          the connection's name, as services use it: ctx.Out.Rest["CRM"]
              address       scheme, host and port: http://localhost:17010
              url_path      /path/with/{placeholders} filled from the call's parameters; the rest go to the query string
              data_format   json
              timeout_seconds   per attempt (default 10)
              security      a security definition (apikey, basic_auth, oauth), or leave out
              tls_verify    true | false (default true)
              retries       retries after a failure (default 2, for GET, HEAD, PUT, DELETE only)
              retry_all_methods   true to retry POST and PATCH too
              circuit_breaker     true | false (default true)
              ping_method   HEAD (default; falls back to GET) | GET
              is_active     true | false
            """, "esb outgoing-rest create name=CRM address=http://localhost:17010 url_path=/tutorial/api/get-user data_format=json",
            new Listing("outgoing REST connections", [Name, Column.Field("address"), Column.Field("url_path"), Column.Field("security", missing: "none"), Active]));
        outgoing.Subcommands.Add(Ping());

        var channel = Kind("channel-rest", "admin/channels/rest", "REST channels: URL paths on the channel port that invoke services", """
              name          the channel's name
              service       the service each call invokes
              url_path      /path, unique in the cluster, with optional {param} segments
              method        GET | POST | PUT | PATCH | DELETE …; leave out for any
              data_format   json | form
              security      a security definition (apikey, basic_auth, jwt), or leave out for none
              timeout_seconds   how long a caller waits (default: the service's timeout)
              rate_limit    calls per caller, e.g. 100/m (per s, m, h or d)
              max_body_bytes    the largest body accepted (default 1048576)
              cors_origins  origins browsers may call from, as JSON: ["https://app.example.com"]
              is_active     true | false
            """, "esb channel-rest create name=\"My REST Channel\" service=tutorial.get-user-details security=\"My API Key\" url_path=/tutorial/api/get-user-details data_format=json",
            new Listing("REST channels", [Name, Column.Field("service"), Column.Field("url_path"), Column.Field("method", missing: "any"), Column.Field("security", missing: "none"), Active]));

        var scheduler = Kind("scheduler", "admin/scheduler", "scheduled jobs: services run on a schedule, on one node of the cluster per run", """
              name          the job's name
              service       the service each run invokes
              job_type      interval_based (default) | cron_style | one_time
              weeks, days, hours, minutes, seconds   interval_based: the interval (they add up)
              repeats       interval_based: how many runs in all (leave out to run forever)
              cron          cron_style: minute hour day-of-month month day-of-week, e.g. "1 0 * * *", or @hourly, @daily…
              time_zone     cron_style: an IANA zone such as Europe/Warsaw (default UTC)
              start_date    when the first run is due, e.g. 2026-12-01T08:00:00Z (default: one interval from now)
              after         instead of start_date: a delay from now, e.g. 30s, 20m, 2h, 1d (one_time jobs)
              extra         the service's input on every run: key=value lines or a JSON object
              misfire       what to do about runs missed while the cluster was down or the job paused:
                            run_once (default) | skip | run_all
              is_active     true | false (see also pause and resume)
            """, "esb scheduler create name=\"Get user details every 10 s\" service=tutorial.get-user-details seconds=10",
            new Listing("scheduled jobs", [Name, Column.Field("service"), new("SCHEDULE", Schedule), Active]));
        scheduler.Subcommands.Add(JobAction("run", "run", "Run a job now, once, on whichever node takes it; the schedule is unchanged.", "asked for a run of '{0}' now; esb scheduler runs \"{0}\" shows it"));
        scheduler.Subcommands.Add(JobAction("pause", "pause", "Pause a job: no runs until it is resumed.", "paused scheduler '{0}'"));
        scheduler.Subcommands.Add(JobAction("resume", "resume", "Resume a paused job; runs it missed follow its misfire policy.", "resumed scheduler '{0}'"));
        scheduler.Subcommands.Add(Runs());

        var connectionAmqp = Kind("connection-amqp", "admin/connections/amqp", "connections to RabbitMQ brokers (AMQP 0-9-1), for AMQP channels and outgoing connections", """
              name          the connection's name
              address       amqp://host:5672/vhost or amqps://… (TLS); leave out for the backbone's broker
              security      a basic_auth security definition with the broker's user and password
              heartbeat_seconds   (default 30)
              tls_verify    true | false (default true)
              is_active     true | false
            """, "esb connection-amqp create name=Partner address=amqp://mq.example.com:5672/orders security=\"Partner MQ\"",
            new Listing("AMQP connections", [Name, Column.Field("address", missing: "the backbone's broker"), Column.Field("security", missing: "none"), Active]));
        var channelAmqp = Kind("channel-amqp", "admin/channels/amqp", "AMQP channels: queues consumed into services", """
              name          the channel's name
              connection    a connection_amqp
              queue         the queue consumed (declared durable when missing)
              service       the service each message invokes (the body as input; ctx.Properties has the rest)
              prefetch      messages each consumer holds at a time (default 10)
              consumers     consumers on each edge node (default 1)
              retries       tries again after a failure (5xx) before the dead-letter queue (default 2)
              dead_letter_queue   where failed messages go with the reason (default <queue>.dead)
              is_active     true | false
            """, "esb channel-amqp create name=Orders connection=Backbone queue=orders.in service=orders.place",
            new Listing("AMQP channels", [Name, Column.Field("connection"), Column.Field("queue"), Column.Field("service"), Active]));
        var outgoingAmqp = Kind("outgoing-amqp", "admin/outgoing/amqp", "outgoing AMQP connections: services publish with ctx.Out.Amqp[\"NAME\"]", """
              name          the connection's name, as services use it
              connection    a connection_amqp
              exchange      the exchange (default: the default exchange, where the routing key is a queue's name)
              routing_key   the routing key when the service gives none
              persistent    true | false (default true)
              is_active     true | false
            """, "esb outgoing-amqp create name=Invoices connection=Backbone routing_key=invoices.out",
            new Listing("outgoing AMQP connections", [Name, Column.Field("connection"), Column.Field("exchange", missing: "(default)"), Column.Field("routing_key"), Active]));
        var connectionMq = Kind("connection-mq", "admin/connections/mq", "connections to MQ brokers over AMQP 1.0 (IBM MQ, ActiveMQ, Artemis, Azure Service Bus, RabbitMQ's amqp1_0)", """
              name          the connection's name
              address       amqp://host:5672 or amqps://host:5671
              security      a basic_auth security definition with the user and password
              is_active     true | false
            """, "esb connection-mq create name=Ledger address=amqp://mq.example.com:5672 security=\"Ledger MQ\"",
            new Listing("MQ connections", [Name, Column.Field("address"), Column.Field("security", missing: "none"), Active]));
        var channelMq = Kind("channel-mq", "admin/channels/mq", "MQ channels: AMQP 1.0 addresses received into services", """
              name          the channel's name
              connection    a connection_mq
              address       the source: DEV.QUEUE.1 (IBM MQ), orders (Artemis, Service Bus), /queue/orders (RabbitMQ)
              service       the service each message invokes
              credit        messages held at a time (default 10)
              retries       tries again after a failure (5xx) (default 2)
              dead_letter_address   where failed messages go with the reason; leave out to reject them to the broker's dead-lettering
              is_active     true | false
            """, "esb channel-mq create name=Ledger connection=Ledger address=LEDGER.IN service=ledger.post",
            new Listing("MQ channels", [Name, Column.Field("connection"), Column.Field("address"), Column.Field("service"), Active]));
        var outgoingMq = Kind("outgoing-mq", "admin/outgoing/mq", "outgoing MQ connections: services send with ctx.Out.Mq[\"NAME\"]", """
              name          the connection's name, as services use it
              connection    a connection_mq
              address       the target queue or topic
              durable       true | false (default true)
              is_active     true | false
            """, "esb outgoing-mq create name=Ledger connection=Ledger address=LEDGER.OUT",
            new Listing("outgoing MQ connections", [Name, Column.Field("connection"), Column.Field("address"), Active]));
        var channelWebSocket = Kind("channel-websocket", "admin/channels/websocket", "WebSockets channels: paths where clients connect and invoke a service with JSON messages", """
              name          the channel's name
              service       the service each message {"id": "1", "input": {…}} invokes
              url_path      /path on the channel port, unique
              security      apikey, basic_auth or jwt, checked at the handshake (browsers: ?api_key=… or ?access_token=…)
              max_message_bytes   (default 65536)
              max_connections     on each node (default 1000)
              idle_timeout_seconds  (default 300)
              ping_seconds  keep-alive pings (default 30)
              is_active     true | false
            """, "esb channel-websocket create name=Orders service=orders.place url_path=/ws/orders security=\"My API Key\"",
            new Listing("WebSockets channels", [Name, Column.Field("service"), Column.Field("url_path"), Column.Field("security", missing: "none"), Active]));
        var topic = Kind("pubsub-topic", "admin/pubsub/topics", "publish/subscribe topics", """
              name          the topic's name: letters, digits, '.', '_', '-'
              security      apikey, basic_auth or jwt for REST publishers (POST /esb/pubsub/topic/NAME); leave out for none
              is_active     true | false
            """, "esb pubsub-topic create name=orders.placed",
            new Listing("topics", [Name, Column.Field("security", missing: "none"), Active]));
        topic.Subcommands.Add(Publish());
        var subscription = Kind("pubsub-subscription", "admin/pubsub/subscriptions", "subscriptions to topics: every message delivered at least once, through a durable queue of its own", """
              name          the subscription's name: letters, digits, '.', '_', '-' (its queue is esb.sub.<name>)
              topic         the topic
              deliver_to    service | amqp | rest | websocket
              service       deliver_to service: the service invoked with each message
              outgoing      deliver_to amqp: an outgoing_amqp; deliver_to rest: an outgoing_rest (each message POSTed)
              retries       tries again after a failed delivery before esb.sub.<name>.dead (default 3)
              is_active     true | false (while inactive, messages wait)
            """, "esb pubsub-subscription create name=billing topic=orders.placed deliver_to=service service=billing.invoice",
            new Listing("subscriptions", [Name, Column.Field("topic"), Column.Field("deliver_to"), new("TARGET", s => Column.Text(s["service"] ?? s["outgoing"])), Active]));
        return [security, outgoing, channel, scheduler, connectionAmqp, channelAmqp, outgoingAmqp, connectionMq, channelMq, outgoingMq, channelWebSocket, topic, subscription];
    }

    private static Command Kind(string name, string path, string what, string fields, string example, Listing listing)
    {
        var command = new Command(name, $"Manage {what}.");
        var fieldsArgument = () => new Argument<string[]>("fields")
        {
            Description = "key=value pairs, or one JSON object.",
            Arity = ArgumentArity.OneOrMore,
        };
        var nameArgument = () => new Argument<string>("name") { Description = "The object's name." };

        var json = AdminCommand.Json();
        command.Subcommands.Add(Verb("list", $"List the {what}: a table, or the admin API's JSON with --json.", [json], (admin, parse, ct) =>
            Table.ListAsync(admin, path, $"{name} list", parse.GetValue(json), listing.Columns, $"no {listing.Plural} yet", ct)));

        var showName = nameArgument();
        command.Subcommands.Add(Verb("show", "Show one, by name.", [showName], (admin, parse, ct) =>
            Print(admin, HttpMethod.Get, $"{path}/{Escape(parse.GetValue(showName)!)}", null, $"{name} show", ct)));

        // The kind as YAML and the admin API's answers name it: outgoing_rest.
        var kind = name.Replace('-', '_');
        var createFields = fieldsArgument();
        var createJson = Stored();
        command.Subcommands.Add(Verb("create", $"Create one. Fields:\n{fields}\nExample:\n  {example}", [createFields, createJson], (admin, parse, ct) =>
            Fields(parse.GetValue(createFields)!, $"{name} create") is { } body
                ? admin.ConfirmAsync(HttpMethod.Post, path, body, $"{name} create", parse.GetValue(createJson),
                    created => $"created {kind} '{created?["name"]}'" + (kind == "security" ? $"; its secret is random: set yours with esb security change-secret \"{created?["name"]}\"" : ""), ct)
                : Task.FromResult(2)));

        var updateName = nameArgument();
        var updateFields = fieldsArgument();
        var updateJson = Stored();
        command.Subcommands.Add(Verb("update", $"Change some fields of one; the others keep their values. Fields:\n{fields}",
            [updateName, updateFields, updateJson], (admin, parse, ct) =>
                Fields(parse.GetValue(updateFields)!, $"{name} update") is { } body
                    ? admin.ConfirmAsync(HttpMethod.Put, $"{path}/{Escape(parse.GetValue(updateName)!)}", body, $"{name} update", parse.GetValue(updateJson),
                        _ => $"updated {kind} '{parse.GetValue(updateName)}'", ct)
                    : Task.FromResult(2)));

        var deleteName = nameArgument();
        command.Subcommands.Add(Verb("delete", "Delete one, by name.", [deleteName], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Delete, $"{path}/{Escape(parse.GetValue(deleteName)!)}", null, $"{name} delete", json: false,
                _ => $"deleted {kind} '{parse.GetValue(deleteName)}'", ct)));
        return command;
    }

    private static Option<bool> Stored() => new("--json") { Description = "Print the object as the admin API stored it (JSON) instead of a line." };


    private static Command ChangeSecret()
    {
        var name = new Argument<string>("name") { Description = "The security definition." };
        var secret = new Option<string?>("--secret") { Description = "The new secret; without it, it is read from standard input (one line)." };
        return Verb("change-secret", "Set the secret of a security definition: the API key, password, JWT key or OAuth client secret.",
            [name, secret], async (admin, parse, ct) =>
            {
                var value = parse.GetValue(secret);
                if (value is null)
                {
                    if (!Console.IsInputRedirected) Console.Error.Write("New secret: ");
                    value = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
                }
                if (string.IsNullOrEmpty(value))
                {
                    Console.Error.WriteLine("esb security change-secret: no secret given");
                    return 2;
                }
                var body = new JsonObject { ["secret"] = value }.ToJsonString();
                return await admin.ConfirmAsync(HttpMethod.Post, $"admin/security/{Escape(parse.GetValue(name)!)}/secret", body, "security change-secret", json: false,
                    _ => $"changed the secret of security '{parse.GetValue(name)}'", ct);
            });
    }

    private static Command Ping()
    {
        var name = new Argument<string>("name") { Description = "The connection." };
        return Verb("ping", "Check from the server that the connection's system answers: status and time, or why not (DNS, refused, TLS, timeout).",
            [name], async (admin, parse, ct) =>
            {
                var answer = await admin.SendAsync(HttpMethod.Post, $"admin/outgoing/rest/{Escape(parse.GetValue(name)!)}/ping", null, "outgoing-rest ping", ct);
                if (answer is not { } a) return 1;
                if ((int)a.Status >= 400) return admin.Failed("outgoing-rest ping", a.Status, a.Body, a.Cid);
                var result = JsonNode.Parse(a.Body)!;
                var ok = result["ok"]!.GetValue<bool>();
                Console.WriteLine(ok
                    ? $"OK    {result["url"]}  {result["status"]}  {result["time_ms"]!.GetValue<double>():0.#} ms"
                    : $"FAIL  {result["url"]}  {result["reason"]}  ({result["time_ms"]!.GetValue<double>():0.#} ms)");
                return ok ? 0 : 1;
            });
    }

    private static Command Publish()
    {
        var name = new Argument<string>("name") { Description = "The topic." };
        var message = new Argument<string>("message") { Description = "The message: JSON." };
        return Verb("publish", "Publish a JSON message to a topic; every subscription gets it.", [name, message], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Post, $"admin/pubsub/topics/{Escape(parse.GetValue(name)!)}/publish", parse.GetValue(message), "pubsub-topic publish", json: false,
                published => $"published to {parse.GetValue(name)} (cid={published?["cid"]})", ct));
    }

    private static Command JobAction(string verb, string action, string description, string done)
    {
        var name = new Argument<string>("name") { Description = "The job." };
        return Verb(verb, description, [name], (admin, parse, ct) =>
            admin.ConfirmAsync(HttpMethod.Post, $"admin/scheduler/{Escape(parse.GetValue(name)!)}/{action}", "{}", $"scheduler {verb}", json: false,
                _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, done, parse.GetValue(name)), ct));
    }

    private static Command Runs()
    {
        var name = new Argument<string>("name") { Description = "The job." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs to show, newest first (1–1000).", DefaultValueFactory = _ => 20 };
        var json = AdminCommand.Json();
        return Verb("runs", "Show where a job stands (state, next run) and its last runs: cid, when, node, outcome, time.",
            [name, limit, json], async (admin, parse, ct) =>
            {
                var path = $"admin/scheduler/{Escape(parse.GetValue(name)!)}/runs?limit={parse.GetValue(limit)}";
                if (parse.GetValue(json)) return await Print(admin, HttpMethod.Get, path, null, "scheduler runs", ct);
                var answer = await admin.SendAsync(HttpMethod.Get, path, null, "scheduler runs", ct);
                if (answer is not { } a) return 1;
                if ((int)a.Status >= 400) return admin.Failed("scheduler runs", a.Status, a.Body, a.Cid);
                var status = JsonNode.Parse(a.Body)!;
                Console.WriteLine($"{status["job"]}: {status["state"]}" + (status["next_run"] is { } next ? $", next run {Column.Local(next, LocalMs)}" : ""));
                var runs = status["runs"]!.AsArray();
                if (runs.Count == 0)
                {
                    Console.WriteLine("no runs yet");
                    return 0;
                }
                Table.Print(RunColumns, runs.Select(run => run!));
                if (runs.Any(r => r!["manual"]?.GetValue<bool>() == true)) Console.WriteLine("* run now, by an operator");
                return 0;
            });
    }

    private const string LocalMs = "yyyy-MM-dd HH:mm:ss.fff";

    private static readonly Column[] RunColumns =
    [
        new("DUE", run => Column.Local(run["due"], LocalMs) + (run["manual"]?.GetValue<bool>() == true ? "*" : "")),
        Column.Field("cid"),
        Column.Field("node"),
        Column.Field("outcome"),
        Column.Field("status", alignRight: true),
        new("TIME", run => run["duration_ms"] is { } ms ? $"{ms.GetValue<double>():0.0} ms" : "", AlignRight: true),
        Column.Field("error"),
    ];

    /// <summary>A job's schedule in a few words: every 1h 30m, cron 1 0 * * * (Europe/Warsaw), once at a date.</summary>
    private static string Schedule(JsonNode job)
    {
        var type = job["job_type"]?.GetValue<string>();
        if (type == "cron_style") return $"cron {job["cron"]}" + (job["time_zone"] is { } zone ? $" ({zone})" : "");
        if (type == "one_time") return "once at " + Column.Local(job["start_date"], "yyyy-MM-dd HH:mm");
        var every = string.Join(' ', new[] { ("weeks", "w"), ("days", "d"), ("hours", "h"), ("minutes", "m"), ("seconds", "s") }
            .Where(unit => job[unit.Item1] is { } n && n.GetValue<int>() != 0).Select(unit => $"{job[unit.Item1]}{unit.Item2}"));
        return $"every {every}" + (job["repeats"] is { } repeats ? $", {repeats} runs in all" : "");
    }

    private static Command Verb(string name, string description, Symbol[] symbols, Func<AdminClient, ParseResult, CancellationToken, Task<int>> run) =>
        AdminCommand.Create(name, description, symbols, run);

    private static Task<int> Print(AdminClient admin, HttpMethod method, string path, string? body, string command, CancellationToken ct) =>
        admin.PrintAsync(method, path, body, command, ct);

    /// <summary>key=value pairs (values true, false, null, or starting with [ or {, are JSON) or one JSON object.</summary>
    private static string? Fields(string[] args, string command)
    {
        var text = args is [var single] && single.TrimStart().StartsWith('{') ? single : string.Join('\n', args);
        if (!InvokeParameters.TryParse(text, out var json, out var error))
        {
            Console.Error.WriteLine($"esb {command}: {error}");
            return null;
        }
        if (text.TrimStart().StartsWith('{')) return json;
        var fields = JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in fields.ToList())
        {
            var raw = value!.GetValue<string>();
            if (raw is "true" or "false" or "null" || raw.StartsWith('[') || raw.StartsWith('{'))
            {
                try
                {
                    fields[key] = JsonNode.Parse(raw);
                }
                catch (System.Text.Json.JsonException e)
                {
                    Console.Error.WriteLine($"esb {command}: {key}: {Integrations.ServiceInput.Malformed(e)}");
                    return null;
                }
            }
        }
        return fields.ToJsonString();
    }

    private static string Escape(string name) => Uri.EscapeDataString(name);

    private static string ReadHidden()
    {
        var secret = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (secret.Length > 0) secret.Length--; }
            else secret.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return secret.ToString();
    }
}
