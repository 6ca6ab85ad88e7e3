using System.Collections.Concurrent;
using Amqp;
using Integrations.Bus.Config;
using Integrations.Bus.Security;
using Integrations.Config;
using Serilog;

namespace Integrations.Adapters.Mq;

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
        // A changed or deleted connection is made again when next used.
        view.Watch([typeof(ConnectionMq)], (_, name) => Drop(name));
    }

    /// <summary>How long closing a connection, a session or a link may take: a broker that does not answer never holds up a stop.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

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
        // A container id of each connection's own: brokers (ActiveMQ among them) refuse a second connection that
        // gives the id of one already connected. Without a security definition, SASL ANONYMOUS, which brokers that
        // require SASL (IBM MQ, ActiveMQ) take where they allow anonymous clients at all.
        var factory = new ConnectionFactory();
        factory.AMQP.ContainerId = $"esb-{Environment.MachineName}-{definition.Name}-{Guid.NewGuid():N}";
        factory.AMQP.HostName = uri.Host;
        if (user is null) factory.SASL.Profile = Amqp.Sasl.SaslProfile.Anonymous;
        var connection = await factory.CreateAsync(address).ConfigureAwait(false);
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
        if (old.Connection.IsValueCreated && old.Connection.Value.IsCompletedSuccessfully && !old.Connection.Value.Result.IsClosed)
            _ = old.Connection.Value.Result.CloseAsync(CloseTimeout, null);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, entry) in _connections)
            if (entry.Connection.IsValueCreated && entry.Connection.Value.IsCompletedSuccessfully && !entry.Connection.Value.Result.IsClosed)
                try
                {
                    await entry.Connection.Value.Result.CloseAsync(CloseTimeout, null).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
                {
                    // A broker that does not answer the close: the connection is dropped all the same.
                }
        _connections.Clear();
    }
}
