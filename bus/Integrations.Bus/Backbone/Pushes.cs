using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// Messages services push to WebSocket clients, across the cluster: published on the fanout exchange
/// <c>esb.push</c>; every node with the edge role has a queue of its own bound to it and hands each message to its
/// own clients. A push is transient: clients that are not connected miss it.
/// </summary>
public sealed class Pushes(RabbitBackbone backbone, ILogger log)
{
    /// <summary>The exchange.</summary>
    public const string Exchange = "esb.push";
    private const string TargetHeader = "esb-push-target", CidHeader = Wire.Cid;
    private readonly ILogger _log = log.ForContext("SourceContext", "push");

    /// <summary>Publishes <paramref name="json"/> for <paramref name="target"/> (a client id, or <c>topic:NAME</c>).</summary>
    public async Task PublishAsync(string target, string json, string cid, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(target)) throw new ServiceException(400, "a push needs a target: a client's id, or topic:NAME");
        await backbone.PublishToExchangeAsync(Exchange, new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?> { [TargetHeader] = target, [CidHeader] = cid },
        }, Encoding.UTF8.GetBytes(json), cancellation).ConfigureAwait(false);
        _log.ForContext("Cid", cid).Information("push → cid={Cid}; {Target}; len={Length}", cid, target, json.Length);
    }

    /// <summary>Consumes this node's share of pushes; <paramref name="deliver"/> gets the target and the JSON.</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Func<string, string, string?, Task> deliver, CancellationToken cancellation)
    {
        var channel = await backbone.Connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellation).ConfigureAwait(false)).QueueName;
        await channel.QueueBindAsync(queue, Exchange, "", cancellationToken: cancellation).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var headers = delivery.BasicProperties.Headers;
            string? Text(string name) => headers is not null && headers.TryGetValue(name, out var v) && v is byte[] b ? Encoding.UTF8.GetString(b) : null;
            try
            {
                if (Text(TargetHeader) is { } target) await deliver(target, Encoding.UTF8.GetString(delivery.Body.Span), Text(CidHeader)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _log.Warning(e, "A push could not be handed to this node's clients");
            }
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellation).ConfigureAwait(false);
        return channel;
    }
}
