using System.Collections.Concurrent;
using Integrations.Bus.Node;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// The service-call path on RabbitMQ, written on RabbitMQ.Client directly because it is the hot path: callers
/// publish to a service's queue (<c>svc.&lt;name&gt;</c>) on one of a few channels, each listening on RabbitMQ's
/// direct reply-to, so no queue is declared per request or per client; calls a caller waits for are transient and
/// unconfirmed (the caller's deadline covers a loss), calls nobody waits for are persistent and confirmed.
/// A lost connection is made again here, with back-off, not by the client's own recovery (which could reopen a
/// channel without its consumer, and nobody would be told): calls waiting for an answer on it are answered at once
/// (503), and the listeners on it, lost with it, listen again on the new one through their consumer host.
/// </summary>
public sealed class RabbitBackbone(NodeOptions options, ILogger log) : IHostedService, IAsyncDisposable
{
    /// <summary>What a caller is told when the broker did not take what <paramref name="what"/> sent: a 503's message.</summary>
    public static string Unreachable(string what, string cid) => $"{what}: the message bus is not reachable right now; try again (cid={cid})";

    private const int CallerChannels = 4;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServiceResult>> _waiting = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "backbone");
    private readonly SemaphoreSlim _confirmedGate = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);
    private IConnection? _connection;
    private IChannel[] _callers = [];
    private volatile IChannel? _confirmed;

    // Confirmed, and room for many confirms outstanding: durable messages sent side by side are confirmed in batches.
    private static CreateChannelOptions DurableChannel => new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
        outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(1024));
    private long _next;
    private readonly SemaphoreSlim _lostSignal = new(0);
    private volatile bool _stopped;

    /// <summary>The first wait before connecting again after the connection was lost; doubling, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public static TimeSpan RetryDelay { get; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest wait between two tries to connect again: a refused connect costs the broker nothing, and the node is back within seconds of it.</summary>
    public static TimeSpan MaxRetryDelay { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the node is connected to the message bus now (not while it connects again).</summary>
    public bool IsConnected => _connection is { IsOpen: true };

    /// <summary>The node's connection for service calls, while it is open.</summary>
    /// <exception cref="Consuming.ReconnectingException">It is not connected (yet, or again).</exception>
    public IConnection Connection => _connection is { IsOpen: true } connection ? connection
        : throw new Consuming.ReconnectingException("the message bus is not reachable right now");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        _ = Task.Run(KeepConnectedAsync, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A connection with its callers' channels (each listening on direct reply-to) and the channel for durable messages.
    private async Task ConnectAsync(CancellationToken cancellation)
    {
        var factory = BrokerAddresses.Factory(options.RabbitMq);
        factory.ClientProvidedName = $"esb {options.NodeName} calls";
        factory.AutomaticRecoveryEnabled = false;
        factory.ConsumerDispatchConcurrency = (ushort)Math.Clamp(options.ServicePrefetch, 1, 512);
        var connection = await BrokerAddresses.ConnectAsync(factory, options.RabbitMq, cancellation).ConfigureAwait(false);
        connection.ConnectionShutdownAsync += (_, reason) =>
        {
            Lost(connection, reason);
            return Task.CompletedTask;
        };
        try
        {
            var callers = new IChannel[CallerChannels];
            for (var i = 0; i < CallerChannels; i++)
            {
                var channel = await connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
                var replies = new AsyncEventingBasicConsumer(channel);
                replies.ReceivedAsync += OnReplyAsync;
                channel.BasicReturnAsync += OnReturnAsync;
                await channel.BasicConsumeAsync(Wire.DirectReplyTo, autoAck: true, replies, cancellation).ConfigureAwait(false);
                callers[i] = channel;
            }
            var confirmed = await connection.CreateChannelAsync(
                DurableChannel, cancellation).ConfigureAwait(false);
            await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                // A broker that crashed may have lost what was declared on it: declare again when next used.
                _declared.Clear();
                (_connection, _callers, _confirmed) = (connection, callers, confirmed);
            }
            finally
            {
                _confirmedGate.Release();
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Lost(IConnection connection, ShutdownEventArgs reason)
    {
        if (_stopped || reason.Initiator == ShutdownInitiator.Application || !ReferenceEquals(connection, _connection)) return;
        _log.Warning("Lost the connection to the message bus at {Broker} ({Reason}); connecting again", ServerAddress.RabbitMq(options.RabbitMq), reason.ReplyText);
        // Their answers would come on this connection, which is gone: tell them now rather than at their deadline (off
        // the client's thread: a caller's continuation runs where its answer is set).
        var waiting = _waiting.Keys.ToList();
        _ = Task.Run(() =>
        {
            foreach (var id in waiting)
                if (_waiting.TryRemove(id, out var answer))
                    answer.TrySetException(new AnswerLostException("the connection to the message bus was lost before the answer came"));
        });
        _lostSignal.Release();
    }

    // One loop for the node's life: after each loss, connects again until it is connected (or the node stops).
    private async Task KeepConnectedAsync()
    {
        while (!_stopped)
        {
            await _lostSignal.WaitAsync().ConfigureAwait(false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var failures = 0; !_stopped && _connection is not { IsOpen: true }; failures++)
            {
                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await ConnectAsync(attempt.Token).ConfigureAwait(false);
                    _log.Information("Connected to the message bus again, after {Seconds:0.#} s", clock.Elapsed.TotalSeconds);
                }
                catch (Exception e)
                {
                    var wait = Backoff.Delay(failures, RetryDelay, MaxRetryDelay);
                    _log.Error("Cannot reach the message bus at {Broker} ({Reason}); trying again in {Seconds:0.#} s",
                        ServerAddress.RabbitMq(options.RabbitMq), Consuming.AmqpErrors.Explain(e), wait.TotalSeconds);
                    await Task.Delay(wait).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Publishes a call to <paramref name="queue"/> and waits for its answer until <paramref name="timeout"/>; null when none came.</summary>
    public async Task<ServiceResult?> CallAsync(string queue, InvokeService call, TimeSpan timeout, CancellationToken cancellation)
    {
        var n = Interlocked.Increment(ref _next);
        var id = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The caller's continuation (writing its HTTP answer) runs on the thread that received the reply: one thread
        // hop fewer per call. Reply consumers run concurrently, so a slow writer does not hold up other replies.
        var answer = new TaskCompletionSource<ServiceResult>();
        _waiting[id] = answer;
        try
        {
            var channel = _callers[(int)(n % CallerChannels)];
            // Mandatory: a call to a queue that does not exist (yet, or any more) comes back at once instead of
            // vanishing while its caller waits for the deadline.
            await channel.BasicPublishAsync("", queue, mandatory: true, Wire.CallProperties(call, waiting: true, id),
                call.Input, cancellation).ConfigureAwait(false);
            return await answer.Task.WaitAsync(timeout, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            // An answer that comes later finds nobody and is dropped.
            _waiting.TryRemove(id, out _);
        }
    }

    /// <summary>Publishes a persistent call nobody waits for, and returns when the broker has confirmed it.</summary>
    public Task SendAsync(string queue, InvokeService call, CancellationToken cancellation) =>
        PublishConfirmedAsync(queue, Wire.CallProperties(call, waiting: false, null), call.Input, cancellation);

    /// <summary>
    /// Publishes a persistent message to <paramref name="queue"/> (declaring it, so a message for a service no worker
    /// has started yet is kept) and waits for the broker's confirmation. Mandatory: a message the broker cannot place
    /// comes back, and is published again after the queue is declared anew; it is never silently dropped.
    /// </summary>
    public async Task PublishConfirmedAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        await DeclareServiceQueueAsync(queue, cancellation).ConfigureAwait(false);
        try
        {
            await PublishOnceAsync(queue, properties, body, cancellation).ConfigureAwait(false);
        }
        catch (RabbitMQ.Client.Exceptions.PublishReturnException)
        {
            _declared.TryRemove(queue, out _);
            await DeclareServiceQueueAsync(queue, cancellation).ConfigureAwait(false);
            await PublishOnceAsync(queue, properties, body, cancellation).ConfigureAwait(false);
        }
    }

    // Publishes run side by side on the channel (the broker confirms them in batches); only opening it is one at a time.
    private async Task PublishOnceAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var channel = _confirmed;
        if (channel is not { IsOpen: true })
        {
            await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            }
            finally
            {
                _confirmedGate.Release();
            }
        }
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, body, cancellation).ConfigureAwait(false);
    }

    // A channel-level error (say, a queue declared elsewhere with other arguments) closes the channel for good:
    // open a new one rather than fail every later durable send. Called under the gate.
    private async Task<IChannel> ConfirmedChannelAsync(CancellationToken cancellation)
    {
        if (_confirmed is { IsOpen: true }) return _confirmed;
        var connection = Connection;
        _log.Warning("The channel for durable messages was closed ({Reason}); opening a new one", _confirmed?.CloseReason?.ReplyText);
        _confirmed = await connection.CreateChannelAsync(
            DurableChannel, cancellation).ConfigureAwait(false);
        return _confirmed;
    }

    /// <summary>Declares a service's durable queue (or its error queue), once per node.</summary>
    public async Task DeclareServiceQueueAsync(string queue, CancellationToken cancellation)
    {
        if (_declared.ContainsKey(queue)) return;
        await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Consuming.AmqpQueue.ArgumentsOf(options.QueueType),
                cancellationToken: cancellation).ConfigureAwait(false);
            _declared[queue] = true;
        }
        finally
        {
            _confirmedGate.Release();
        }
    }

    /// <summary>Declares a durable fanout <paramref name="exchange"/> and, when given, a durable <paramref name="queue"/> bound to it.</summary>
    public async Task DeclareBindingAsync(string exchange, string? queue, CancellationToken cancellation)
    {
        await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
            _declared["exchange:" + exchange] = true;
            if (queue is null) return;
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Consuming.AmqpQueue.ArgumentsOf(options.QueueType),
                cancellationToken: cancellation).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, exchange, "", cancellationToken: cancellation).ConfigureAwait(false);
            _declared[queue] = true;
        }
        finally
        {
            _confirmedGate.Release();
        }
    }

    /// <summary>Publishes to an exchange of the backbone (a fanout, declared if missing), confirmed by the broker.</summary>
    public async Task PublishToExchangeAsync(string exchange, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            if (!_declared.ContainsKey("exchange:" + exchange))
            {
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
                _declared["exchange:" + exchange] = true;
            }
            await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _confirmedGate.Release();
        }
    }

    /// <summary>Publishes a transient message straight to <paramref name="queue"/> (an answer to a node that asked), confirmed by the broker.</summary>
    public async Task PublishToQueueAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            await channel.BasicPublishAsync("", queue, mandatory: false, properties, body, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _confirmedGate.Release();
        }
    }

    /// <summary>
    /// Publishes on a fanout exchange every node hears (see <see cref="Broadcasts"/>): the event's name as the
    /// message's type, this node as its sender.
    /// </summary>
    public Task BroadcastAsync(string exchange, string @event, ReadOnlyMemory<byte> body, IDictionary<string, object?>? headers, CancellationToken cancellation) =>
        PublishToExchangeAsync(exchange, new BasicProperties { Type = @event, AppId = options.NodeName, ContentType = "application/json", Headers = headers },
            body, cancellation);

    /// <summary>Announces one of the cluster's events (a configuration change, a deployment) to every other node.</summary>
    public Task AnnounceAsync<T>(T message, CancellationToken cancellation) where T : class =>
        BroadcastAsync(Broadcasts.Events, typeof(T).Name, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message), null, cancellation);

    /// <summary>Deletes a service's queue (and its error queue stays, for an operator to read).</summary>
    public async Task DeleteServiceQueueAsync(string queue, CancellationToken cancellation)
    {
        await _confirmedGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var channel = await ConfirmedChannelAsync(cancellation).ConfigureAwait(false);
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellation).ConfigureAwait(false);
            _declared.TryRemove(queue, out _);
        }
        finally
        {
            _confirmedGate.Release();
        }
    }

    private Task OnReturnAsync(object sender, BasicReturnEventArgs returned)
    {
        if (returned.BasicProperties.CorrelationId is { } id && _waiting.TryRemove(id, out var answer))
        {
            var call = Wire.ReadCall(returned.BasicProperties, ReadOnlyMemory<byte>.Empty);
            answer.TrySetResult(ServiceResult.Failed(call.Cid, 503,
                $"{call.Service} has no queue on the broker right now (being deployed or undeployed?); try again"));
        }
        return Task.CompletedTask;
    }

    private Task OnReplyAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (delivery.BasicProperties.CorrelationId is { } id && _waiting.TryRemove(id, out var answer))
            answer.TrySetResult(Wire.ReadAnswer(delivery.BasicProperties, delivery.Body));
        return Task.CompletedTask;
    }

    /// <summary>A call's answer that will not come: the connection it was to come on is gone.</summary>
    internal sealed class AnswerLostException(string message) : Exception(message);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        _lostSignal.Release();
        foreach (var channel in _callers) await channel.DisposeAsync().ConfigureAwait(false);
        if (_confirmed is not null) await _confirmed.DisposeAsync().ConfigureAwait(false);
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _log.Debug("backbone connection closed");
    }
}
