using Integrations.Bus.Transports.Amqp;
using Integrations.Bus.Transports.Mq;

namespace Integrations.Bus.Outgoing;

/// <summary>The outgoing connections services use (<c>ctx.Out</c>): REST, AMQP and MQ.</summary>
public sealed class OutgoingConnections(RestConnections rest, AmqpOutgoing amqp, MqOutgoing mq) : IOutgoingConnections
{
    /// <inheritdoc />
    public Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope context) => rest.SendRestAsync(name, request, context);

    /// <inheritdoc />
    public Task PublishAmqpAsync(string name, AmqpMessage message, CallScope context) => amqp.PublishAsync(name, message, context);

    /// <inheritdoc />
    public Task SendMqAsync(string name, AmqpMessage message, CallScope context) => mq.SendAsync(name, message, context);
}
