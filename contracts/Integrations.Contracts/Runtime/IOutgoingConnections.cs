namespace Integrations.Runtime;

/// <summary>Runs outgoing calls; the runtime implements it.</summary>
public interface IOutgoingConnections
{
    /// <summary>Sends a request on the REST connection named <paramref name="name"/>.</summary>
    Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope scope);

    /// <summary>Publishes on the AMQP connection named <paramref name="name"/>.</summary>
    Task PublishAmqpAsync(string name, AmqpMessage message, CallScope scope);

    /// <summary>Sends on the MQ (AMQP 1.0) connection named <paramref name="name"/>.</summary>
    Task SendMqAsync(string name, AmqpMessage message, CallScope scope);
}
