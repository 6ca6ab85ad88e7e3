using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Integrations.Bus.Config;
using Integrations.Bus.Security;
using Integrations.Config;
using Serilog;

namespace Integrations.Bus.Outgoing;

/// <summary>
/// AMQP 1.0 connections (AMQPNetLite) to the brokers named by <see cref="ConnectionMq"/> objects, one per definition
/// on each node, made when first used and again after the definition changed or the connection dropped.
/// </summary>
public sealed class MqBrokers : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (ConnectionMq Definition, Lazy<Task<Connection>> Connection)> _connections = new(StringComparer.Ordinal);
    private readonly ConfigView _view;
    private readonly SecurityDefinitions _security;
    private readonly ILogger _log;

    /// <summary>Follows changes of connection definitions.</summary>
    public MqBrokers(ConfigView view, SecurityDefinitions security, ILogger log)
    {
        _view = view;
        _security = security;
        _log = log.ForContext("SourceContext", "mq");
        view.Changed += (kind, name, value) =>
        {
            if (kind == ConfigKinds.NameOf(typeof(ConnectionMq))) Drop(name);
        };
    }

    /// <summary>Raised when a connection changed, went or dropped: its users start again.</summary>
    public event Action<string>? Replaced;

    /// <summary>The connection named <paramref name="name"/>, made if need be.</summary>
    /// <exception cref="InvalidOperationException">No such connection, or it is inactive.</exception>
    public Task<Connection> ConnectAsync(string name)
    {
        var definition = _view.Find<ConnectionMq>(name) ?? throw new InvalidOperationException($"no connection_mq named '{name}'");
        if (!definition.IsActive) throw new InvalidOperationException($"connection_mq '{name}' is inactive");
        var entry = _connections.AddOrUpdate(name,
            _ => (definition, new Lazy<Task<Connection>>(() => OpenAsync(definition))),
            (_, existing) => ConfigView.SameContent(existing.Definition, definition) && existing.Connection.Value is { IsFaulted: false } t && !(t.IsCompletedSuccessfully && t.Result.IsClosed)
                ? existing : (definition, new Lazy<Task<Connection>>(() => OpenAsync(definition))));
        return entry.Connection.Value;
    }

    /// <summary>Where a definition points, without credentials, for logs.</summary>
    public static string Describe(ConnectionMq definition) => Uri.TryCreate(definition.Address, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : definition.Address;

    private async Task<Connection> OpenAsync(ConnectionMq definition)
    {
        var uri = new Uri(definition.Address);
        string? user = null, password = null;
        if (definition.Security is { } securityName && _security.Find(securityName) is { } credentials)
        {
            user = credentials.Username;
            password = _security.SecretOf(credentials);
        }
        var address = new Address(uri.Host, uri.Port > 0 ? uri.Port : uri.Scheme == "amqps" ? 5671 : 5672, user, password, "/", uri.Scheme);
        var connection = await Connection.Factory.CreateAsync(address).ConfigureAwait(false);
        connection.Closed += (_, error) =>
        {
            _log.Warning("connection_mq {Name} closed{Reason}", definition.Name, error is null ? "" : ": " + error.Description);
            Drop(definition.Name);
        };
        _log.Information("Connected to {Broker} as connection_mq {Name}", Describe(definition), definition.Name);
        return connection;
    }

    private void Drop(string name)
    {
        if (!_connections.TryRemove(name, out var old)) return;
        Replaced?.Invoke(name);
        if (old.Connection.IsValueCreated && old.Connection.Value.IsCompletedSuccessfully && !old.Connection.Value.Result.IsClosed)
            _ = old.Connection.Value.Result.CloseAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, entry) in _connections)
            if (entry.Connection.IsValueCreated && entry.Connection.Value.IsCompletedSuccessfully && !entry.Connection.Value.Result.IsClosed)
                await entry.Connection.Value.Result.CloseAsync().ConfigureAwait(false);
        _connections.Clear();
    }
}

/// <summary>Sends for services on outgoing MQ connections; a send returns once the broker accepted the message.</summary>
public sealed class MqOutgoing(ConfigView view, MqBrokers brokers, ILogger log)
{
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.General);
    private readonly ConcurrentDictionary<(Connection, string), SenderLink> _senders = new();
    private readonly ILogger _log = log.ForContext("SourceContext", "mq-out");

    /// <summary>Sends <paramref name="message"/> on the outgoing connection <paramref name="name"/>.</summary>
    /// <exception cref="OutgoingCallException">Unknown or inactive connection, broker unreachable, or the message refused (502).</exception>
    public async Task SendAsync(string name, AmqpMessage message, ServiceContext context)
    {
        var outgoing = view.Find<OutgoingMq>(name)
            ?? throw new ServiceException(500, $"no outgoing MQ connection named '{name}'; create it first (esb outgoing-mq create name={name} …)");
        if (!outgoing.IsActive) throw new OutgoingCallException(name, "the connection is inactive");
        var body = message.Body switch
        {
            null => [],
            string text => Encoding.UTF8.GetBytes(text),
            var other => JsonSerializer.SerializeToUtf8Bytes(other, other.GetType(), BodyJson),
        };
        var amqp = MqMessages.Create(body, message.MessageId ?? Guid.NewGuid().ToString("N"), message.CorrelationId, outgoing.Durable);
        amqp.ApplicationProperties["esb-cid"] = context.Cid;
        if (message.Headers is not null) foreach (var (key, value) in message.Headers) amqp.ApplicationProperties[key] = value;
        var log = _log.ForContext("Cid", context.Cid);
        log.Information("MQ out → cid={Cid}; name:{Name}; address={Address}; len={Length}", context.Cid, name, outgoing.Address, body.Length);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = await brokers.ConnectAsync(outgoing.Connection).ConfigureAwait(false);
            var sender = _senders.AddOrUpdate((connection, outgoing.Address),
                key => new SenderLink(new Session(key.Item1), "esb-out-" + name, key.Item2),
                (key, existing) => existing.IsClosed ? new SenderLink(new Session(key.Item1), "esb-out-" + name, key.Item2) : existing);
            await sender.SendAsync(amqp).WaitAsync(TimeSpan.FromSeconds(30), context.Cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ServiceException)
        {
            log.Warning("MQ out ← cid={Cid}; {Name} failed: {Reason}", context.Cid, name, e.Message);
            throw new OutgoingCallException(name, e is TimeoutException ? "the broker did not accept the message within 30 s" : e.Message);
        }
        log.Information("MQ out ← cid={Cid}; accepted time={Time:0.###}ms", context.Cid, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}

/// <summary>AMQP 1.0 messages as the node sends and reads them: bodies are binary data sections, so bytes arrive as bytes.</summary>
public static class MqMessages
{
    /// <summary>A message with <paramref name="body"/> as one data section.</summary>
    public static Message Create(byte[] body, string? messageId, string? correlationId, bool durable) => new()
    {
        BodySection = new Data { Binary = body },
        Header = new Header { Durable = durable },
        Properties = new Properties { MessageId = messageId, CorrelationId = correlationId, ContentType = "application/json" },
        ApplicationProperties = new ApplicationProperties(),
    };

    /// <summary>The body's text, whatever section carries it.</summary>
    public static string Text(Message message) => message.Body switch
    {
        null => "",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        var other => JsonSerializer.Serialize(other),
    };
}
