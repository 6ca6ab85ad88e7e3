namespace Integrations.Config;

/// <summary>
/// An AMQP channel: consumes a queue and invokes a service with each message (the body as input; headers, routing key,
/// message id and correlation id in <c>ctx.Properties</c>). A message is acknowledged after the service finished;
/// a failed one is tried again, then moved to the dead-letter queue with the reason. When a message has
/// <c>reply_to</c>, the service's answer is published there with the same correlation id. With <see cref="Format"/>
/// <c>masstransit</c>, the messages are MassTransit's (an application's request client or its published events): the
/// message inside the envelope is the input, and the answer goes back to the request client as MassTransit expects it.
/// Instead of a service, a channel may feed a topic: each message is published to it.
/// </summary>
[ConfigKind("channel_amqp")]
public sealed record ChannelAmqp : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_amqp of the broker.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The queue consumed (declared durable if missing).</summary>
    public string Queue { get; init; } = "";
    /// <summary>The service each message invokes; empty when the channel feeds <see cref="Topic"/>.</summary>
    public string Service { get; init; } = "";
    /// <summary>The pubsub_topic each message is published to, instead of invoking a service; null for none.</summary>
    public string? Topic { get; init; }
    /// <summary>
    /// What the messages are: <c>json</c> (the body is the input) or <c>masstransit</c> (MassTransit's envelope: its
    /// message, camelCase, is the input in snake_case; a request's answer or its fault goes to its response address).
    /// </summary>
    public string Format { get; init; } = "json";
    /// <summary>
    /// The message type of the answers to a MassTransit request client, as MassTransit names it:
    /// <c>Acme.Billing.Contracts:BalanceResult</c> (namespace:type); required for answers to reach it.
    /// </summary>
    public string? ResponseType { get; init; }
    /// <summary>
    /// A fanout exchange the queue is bound to (declared durable when missing): a MassTransit application publishes
    /// its events to the exchange of their type, <c>Acme.Orders.Contracts:OrderPlaced</c>; null for no binding.
    /// </summary>
    public string? Exchange { get; init; }
    /// <summary>Messages each consumer holds at a time.</summary>
    public int Prefetch { get; init; } = 10;
    /// <summary>Consumers on each node with the edge role.</summary>
    public int Consumers { get; init; } = 1;
    /// <summary>Tries after a failed one before the message goes to the dead-letter queue.</summary>
    public int Retries { get; init; } = 2;
    /// <summary>Where failed messages go, with the reason in their headers; null for <c>&lt;queue&gt;.dead</c>.</summary>
    public string? DeadLetterQueue { get; init; }
    /// <summary>
    /// The kind of queue declared when the queue is missing: <c>classic</c>, or <c>quorum</c> (replicated over a
    /// RabbitMQ cluster's nodes); null for the broker's default. A queue that exists is consumed as it is.
    /// </summary>
    public string? QueueType { get; init; }
    /// <summary>Whether the channel consumes.</summary>
    public bool IsActive { get; init; } = true;
}
