using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;

namespace Integrations.Adapters.Mq;

/// <summary>AMQP 1.0 messages as the node sends and reads them: bodies are binary data sections, so bytes arrive as bytes.</summary>
public static class MqMessages
{
    /// <summary>A message with <paramref name="body"/> as one data section.</summary>
    public static Message Create(byte[] body, string? messageId, string? correlationId, bool durable) => new()
    {
        BodySection = new Data { Binary = body },
        Header = new Header { Durable = durable },
        Properties = new Properties { MessageId = messageId, CorrelationId = correlationId, ContentType = "application/json" },
        ApplicationProperties = new ApplicationProperties(),
    };

    /// <summary>A service's answer to a request's reply-to: durable, with its cid and status.</summary>
    public static Message Answer(Integrations.Messages.ServiceResult result, string? correlationId)
    {
        var answer = Create(Encoding.UTF8.GetBytes(result.Output ?? "null"), Guid.NewGuid().ToString("N"), correlationId, durable: true);
        answer.ApplicationProperties[Integrations.Bus.Backbone.Wire.Cid] = result.Cid;
        answer.ApplicationProperties[Integrations.Bus.Backbone.Wire.Status] = result.Status;
        return answer;
    }

    /// <summary>
    /// Sends an answer or a dead letter on <paramref name="session"/>: to a durable terminus (a broker that makes the
    /// queue makes it durable: it survives its restart), returning once the broker settled it; the link's close is bounded.
    /// </summary>
    public static async Task SendDurablyAsync(Session session, string purpose, string address, Message message)
    {
        var sender = new SenderLink(session, $"{purpose}-{Guid.NewGuid():N}", new Target { Address = address, Durable = 1 }, null);
        try
        {
            await sender.SendAsync(message).ConfigureAwait(false);
        }
        finally
        {
            await sender.CloseAsync(MqBrokers.CloseTimeout).ConfigureAwait(false);
        }
    }

    /// <summary>The body's text, whatever section carries it.</summary>
    public static string Text(Message message) => message.Body switch
    {
        null => "",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        var other => JsonSerializer.Serialize(other),
    };
}
