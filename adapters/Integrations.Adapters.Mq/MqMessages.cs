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

    /// <summary>The body's text, whatever section carries it.</summary>
    public static string Text(Message message) => message.Body switch
    {
        null => "",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        var other => JsonSerializer.Serialize(other),
    };
}
