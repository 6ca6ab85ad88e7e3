namespace Integrations.Config;

/// <summary>
/// A subscription to a topic: each message is delivered, at least once, to a service, an outgoing AMQP connection,
/// an outgoing REST connection (POST), or the WebSocket clients subscribed to the topic. Messages wait in the
/// subscription's durable queue (<c>esb.sub.&lt;name&gt;</c>) until they are delivered, across node restarts.
/// </summary>
[ConfigKind("pubsub_subscription")]
public sealed record PubSubSubscription : IConfigObject
{
    /// <summary>Where messages go.</summary>
    public const string ToService = "service", ToAmqp = "amqp", ToRest = "rest", ToWebSocket = "websocket";

    /// <summary>Every delivery kind.</summary>
    public static readonly IReadOnlyList<string> Deliveries = [ToService, ToAmqp, ToRest, ToWebSocket];

    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The topic.</summary>
    public string Topic { get; init; } = "";
    /// <summary><c>service</c>, <c>amqp</c>, <c>rest</c> or <c>websocket</c>.</summary>
    public string DeliverTo { get; init; } = ToService;
    /// <summary>For <c>service</c>: the service invoked with each message.</summary>
    public string? Service { get; init; }
    /// <summary>For <c>amqp</c>: an outgoing_amqp; for <c>rest</c>: an outgoing_rest (each message is POSTed).</summary>
    public string? Outgoing { get; init; }
    /// <summary>Tries after a failed delivery before the message goes to <c>esb.sub.&lt;name&gt;.dead</c>.</summary>
    public int Retries { get; init; } = 3;
    /// <summary>Whether messages are delivered (while inactive they wait in the queue).</summary>
    public bool IsActive { get; init; } = true;
}
