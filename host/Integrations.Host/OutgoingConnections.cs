using Integrations.Adapters.Amqp;
using Integrations.Adapters.Http;
using Integrations.Adapters.Mq;
using Integrations.Runtime;

namespace Integrations.Host;

/// <summary>The outgoing connections services use (<c>ctx.Out</c>), and subscriptions deliver through: REST, AMQP and MQ, each its adapter's outgoing side.</summary>
public sealed class OutgoingConnections(RestConnections rest, AmqpOutgoing amqp, MqOutgoing mq) : IOutgoingConnections
{
    /// <inheritdoc />
    public Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope context) => rest.SendRestAsync(name, request, context);

    /// <inheritdoc />
    public Task PublishAmqpAsync(string name, AmqpMessage message, CallScope context) => amqp.PublishAsync(name, message, context);

    /// <inheritdoc />
    public Task SendMqAsync(string name, AmqpMessage message, CallScope context) => mq.SendAsync(name, message, context);
}
