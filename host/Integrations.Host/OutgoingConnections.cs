using Integrations.Adapters.Amqp;
using Integrations.Adapters.Http;
using Integrations.Adapters.Mq;
using Integrations.Bus.Telemetry;
using Integrations.Runtime;

namespace Integrations.Host;

/// <summary>The outgoing connections services use (<c>ctx.Out</c>), and subscriptions deliver through: REST, AMQP and MQ, each its adapter's outgoing side.</summary>
public sealed class OutgoingConnections(RestConnections rest, AmqpOutgoing amqp, MqOutgoing mq, Hops hops) : IOutgoingConnections
{
    /// <inheritdoc />
    public async Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope context)
    {
        var hop = hops.Outgoing("rest", name, context.Cid, request.Method.Method);
        try
        {
            var response = await rest.SendRestAsync(name, request, context).ConfigureAwait(false);
            hop.End((int)response.Status);
            return response;
        }
        catch (Exception e)
        {
            hop.End(502, e.Message);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task PublishAmqpAsync(string name, AmqpMessage message, CallScope context)
    {
        var hop = hops.Outgoing("amqp", name, context.Cid);
        await EndAsync(hop, amqp.PublishAsync(name, message, context)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SendMqAsync(string name, AmqpMessage message, CallScope context)
    {
        var hop = hops.Outgoing("mq", name, context.Cid);
        await EndAsync(hop, mq.SendAsync(name, message, context)).ConfigureAwait(false);
    }

    // Each call above is an async method of its own: its span is current for the call alone, never for the service after it.
    private static async Task EndAsync(Hop hop, Task sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
            hop.End(200);
        }
        catch (Exception e)
        {
            hop.End(502, e.Message);
            throw;
        }
    }
}
