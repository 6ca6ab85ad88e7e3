using System.Text;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// Messages services push to WebSocket clients, across the cluster: broadcast on the fanout exchange
/// <c>esb.push</c> (<see cref="Broadcasts"/>); every node with the edge role hears them and hands each to its own
/// clients. A push is transient: clients that are not connected miss it.
/// </summary>
public sealed class Pushes(RabbitBackbone backbone, Broadcasts broadcasts, ILogger log)
{
    /// <summary>The exchange.</summary>
    public const string Exchange = "esb.push";
    private const string Event = "push", TargetHeader = "esb-push-target";
    private readonly ILogger _log = log.ForContext("SourceContext", "push");

    /// <summary>Publishes <paramref name="json"/> for <paramref name="target"/> (a client id, or <c>topic:NAME</c>).</summary>
    public async Task PublishAsync(string target, string json, string cid, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(target)) throw new ServiceException(400, "a push needs a target: a client's id, or topic:NAME");
        await backbone.BroadcastAsync(Exchange, Event, Encoding.UTF8.GetBytes(json),
            new Dictionary<string, object?> { [TargetHeader] = target, [Wire.Cid] = cid }, cancellation).ConfigureAwait(false);
        _log.ForContext("Cid", cid).Information("push → cid={Cid}; {Target}; len={Length}", cid, target, json.Length);
    }

    /// <summary>
    /// Hands this node every push, its own included: <paramref name="deliver"/> gets the target, the JSON and the cid.
    /// The task completes when the node listens.
    /// </summary>
    public Task SubscribeAsync(Func<string, string, string?, Task> deliver) =>
        broadcasts.On(Exchange, Event, fromItself: true, async (message, _) =>
        {
            var headers = ((Consuming.AmqpInbound)message).Delivery.BasicProperties.Headers;
            if (Wire.Text(headers, TargetHeader) is { } target) await deliver(target, Encoding.UTF8.GetString(message.Body.Span), message.Cid).ConfigureAwait(false);
        });
}
