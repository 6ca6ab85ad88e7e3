using System.Collections.Concurrent;
using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Bus.Security;
using Integrations.Config;
using RabbitMQ.Client;
using Serilog;

namespace Integrations.Adapters.Amqp;

/// <summary>
/// Connections to the brokers named by <see cref="ConnectionAmqp"/> objects, one per definition on each node, made
/// when first used and made again after the definition changed or the connection was lost. AMQP channels consume
/// through them and outgoing AMQP connections publish through them. A lost connection is not recovered behind its
/// users' backs: its channels close, the consumer host listens again with back-off (which makes a new connection),
/// and the next publish makes one too — so no consumer is left on a channel the client reopened without it.
/// </summary>
public sealed class AmqpBrokers : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (ConnectionAmqp Definition, Lazy<Task<IConnection>> Connection)> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IConnection, IChannel> _publishers = new();
    private readonly SemaphoreSlim _publisherGate = new(1, 1);
    private readonly ConfigView _view;
    private readonly SecurityDefinitions _security;
    private readonly NodeOptions _options;
    private readonly ILogger _log;

    /// <summary>Follows changes of connection definitions.</summary>
    public AmqpBrokers(ConfigView view, SecurityDefinitions security, NodeOptions options, ILogger log)
    {
        _view = view;
        _security = security;
        _options = options;
        _log = log.ForContext("SourceContext", "amqp");
        // A changed or deleted connection is closed, and made again when next used.
        view.Watch([typeof(ConnectionAmqp)], (kind, name) =>
        {
            if (_connections.TryRemove(name, out var old)) _ = CloseAsync(name, old.Connection);
        });
    }

    /// <summary>The connection named <paramref name="name"/>, made if need be.</summary>
    /// <exception cref="InvalidOperationException">No such connection, or it is inactive.</exception>
    public Task<IConnection> ConnectAsync(string name, CancellationToken cancellation)
    {
        var definition = _view.Find<ConnectionAmqp>(name) ?? throw new InvalidOperationException($"no connection_amqp named '{name}'");
        if (!definition.IsActive) throw new InvalidOperationException($"connection_amqp '{name}' is inactive");
        // The connection outlives the call that asked for it first: it is not made with that call's cancellation.
        var entry = _connections.AddOrUpdate(name,
            _ => (definition, new Lazy<Task<IConnection>>(() => OpenAsync(definition, CancellationToken.None))),
            (_, existing) => ConfigView.SameContent(existing.Definition, definition) && Usable(existing.Connection.Value)
                ? existing : (definition, new Lazy<Task<IConnection>>(() => OpenAsync(definition, CancellationToken.None))));
        return entry.Connection.Value.WaitAsync(cancellation);
    }

    /// <summary>
    /// Publishes on the connection <paramref name="name"/> and returns when its broker confirmed the message; mandatory,
    /// so a message no queue takes comes back as a <see cref="RabbitMQ.Client.Exceptions.PublishReturnException"/>.
    /// Publishes run side by side on one channel per connection, so the broker confirms them in batches.
    /// </summary>
    public async Task PublishConfirmedAsync(string name, string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var connection = await ConnectAsync(name, cancellation).ConfigureAwait(false);
        var channel = await PublisherAsync(connection, cancellation).ConfigureAwait(false);
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, cancellation).ConfigureAwait(false);
    }

    private async Task<IChannel> PublisherAsync(IConnection connection, CancellationToken cancellation)
    {
        if (_publishers.TryGetValue(connection, out var existing) && existing.IsOpen) return existing;
        await _publisherGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_publishers.TryGetValue(connection, out existing) && existing.IsOpen) return existing;
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(1024)), cancellation).ConfigureAwait(false);
            _publishers[connection] = channel;
            // The channels of connections lost since are gone with them.
            foreach (var old in _publishers.Keys)
                if (!old.IsOpen && _publishers.TryRemove(old, out var gone)) await gone.DisposeAsync().ConfigureAwait(false);
            return channel;
        }
        finally
        {
            _publisherGate.Release();
        }
    }

    // Being made, or made and still open: a failed attempt or a closed connection is made again.
    private static bool Usable(Task<IConnection> connection) =>
        !connection.IsFaulted && !connection.IsCanceled && (!connection.IsCompletedSuccessfully || connection.Result.IsOpen);

    /// <summary>Where a definition points, without credentials, for logs.</summary>
    public string Describe(ConnectionAmqp definition)
    {
        var uri = BrokerAddresses.Parse(definition.Address ?? _options.RabbitMq)[0];
        return $"{uri.Scheme}://{uri.Host}:{(uri.Port > 0 ? uri.Port : 5672)}{uri.AbsolutePath}" + (definition.Address is null ? " (the backbone)" : "");
    }

    private async Task<IConnection> OpenAsync(ConnectionAmqp definition, CancellationToken cancellation)
    {
        var addresses = definition.Address ?? _options.RabbitMq;
        var address = BrokerAddresses.Parse(addresses)[0];
        var factory = new ConnectionFactory
        {
            Uri = address,
            ClientProvidedName = $"esb {_options.NodeName} {definition.Name}",
            RequestedHeartbeat = TimeSpan.FromSeconds(Math.Max(1, definition.HeartbeatSeconds)),
            // Made again by its users when lost (see above): the client's own recovery could reopen a channel
            // without the consumer that was on it, and nobody would be told.
            AutomaticRecoveryEnabled = false,
        };
        if (definition.Security is { } securityName && _security.Find(securityName) is { } credentials)
        {
            factory.UserName = credentials.Username ?? "";
            factory.Password = _security.SecretOf(credentials);
        }
        if (address.Scheme == "amqps")
        {
            factory.Ssl.Enabled = true;
            factory.Ssl.ServerName = address.Host;
            if (!definition.TlsVerify) factory.Ssl.AcceptablePolicyErrors = System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors | System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        var connection = await BrokerAddresses.ConnectAsync(factory, addresses, cancellation).ConfigureAwait(false);
        _log.Information("Connected to {Broker} as connection_amqp {Name}", Describe(definition), definition.Name);
        connection.ConnectionShutdownAsync += (_, reason) =>
        {
            if (reason.Initiator != ShutdownInitiator.Application)
                _log.Warning("connection_amqp {Name}: lost the connection to {Broker} ({Reason}); it is made again when next used",
                    definition.Name, Describe(definition), reason.ReplyText);
            return Task.CompletedTask;
        };
        return connection;
    }

    private async Task CloseAsync(string name, Lazy<Task<IConnection>> connection)
    {
        if (!connection.IsValueCreated) return;
        try
        {
            var open = await connection.Value.ConfigureAwait(false);
            await open.CloseAsync().ConfigureAwait(false);
            await open.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug(e, "connection_amqp {Name}: closing the old connection failed", name);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (name, entry) in _connections) await CloseAsync(name, entry.Connection).ConfigureAwait(false);
        _connections.Clear();
    }
}
