using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Consuming;
using Integrations.Messages;
using RabbitMQ.Client;

namespace Integrations.Adapters.Amqp;

/// <summary>
/// A message as a MassTransit 8 application sends it (<c>application/vnd.masstransit+json</c>): the envelope's
/// addresses and ids, and its message in the service's terms — camelCase names become snake_case. Answers go back as
/// MassTransit's request client waits for them: the response (of the channel's <c>response_type</c>) or a
/// <c>Fault&lt;T&gt;</c> of the request, each with the request's id, to its response address.
/// </summary>
internal sealed class MassTransitMessage
{
    /// <summary>The content type of MassTransit's envelope.</summary>
    public const string ContentType = "application/vnd.masstransit+json";
    private const string Urn = "urn:message:";
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _envelope;
    private readonly JsonNode _message;

    private MassTransitMessage(JsonObject envelope, JsonNode message)
    {
        _envelope = envelope;
        _message = message;
        Input = JsonSerializer.SerializeToUtf8Bytes(Rename(message, JsonNamingPolicy.SnakeCaseLower.ConvertName), Compact);
    }

    /// <summary>The message, snake_case, as the service's input.</summary>
    public byte[] Input { get; }

    /// <summary>The request's id, when a request client sent it.</summary>
    public string? RequestId => Text("requestId");

    /// <summary>The queue the answer goes to (the last segment of the response address), when there is one.</summary>
    public string? ResponseQueue => QueueOf(Text("responseAddress"));

    /// <summary>The queue a fault goes to: the fault address's, else the response address's.</summary>
    public string? FaultQueue => QueueOf(Text("faultAddress")) ?? ResponseQueue;

    /// <summary>The message's types as MassTransit names them, <c>Acme.Billing.Contracts:GetBalance</c>, most specific first.</summary>
    public IReadOnlyList<string> MessageTypes => _envelope["messageType"] is JsonArray types
        ? [.. types.Select(t => t?.GetValue<string>()).OfType<string>().Select(t => t.StartsWith(Urn, StringComparison.Ordinal) ? t[Urn.Length..] : t)]
        : [];

    /// <summary>What the service's properties get: the envelope's ids and types.</summary>
    public void AddTo(Dictionary<string, string> properties)
    {
        foreach (var (name, key) in new[] { ("messageId", "masstransit.message_id"), ("requestId", "masstransit.request_id"),
                     ("conversationId", "masstransit.conversation_id"), ("correlationId", "masstransit.correlation_id") })
            if (Text(name) is { } value) properties[key] = value;
        if (MessageTypes.Count > 0) properties["masstransit.message_type"] = MessageTypes[0];
    }

    /// <summary>Reads an envelope, or says in a sentence why the body is not one.</summary>
    public static MassTransitMessage Read(ReadOnlyMemory<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a MassTransit message: {Integrations.Runtime.ServiceInput.Malformed(e)}");
        }
        if (root is not JsonObject envelope) throw new FormatException("not a MassTransit message: the body is not a JSON object");
        if (envelope["message"] is not JsonObject message)
            throw new FormatException("not a MassTransit message: its envelope has no \"message\" object (is the application's serializer MassTransit's JSON envelope?)");
        return new MassTransitMessage(envelope, message);
    }

    /// <summary>The answer of <paramref name="result"/> (a success) as a response of type <paramref name="responseType"/>.</summary>
    public (BasicProperties Properties, byte[] Body) Response(ServiceResult result, string responseType)
    {
        var output = result.Output is { Length: > 0 } json ? JsonNode.Parse(json) : new JsonObject();
        return Envelope(Text("responseAddress"), [responseType], Rename(output, CamelCase), result.Cid);
    }

    /// <summary>The failure of <paramref name="result"/> as MassTransit's <c>Fault&lt;T&gt;</c> of this message.</summary>
    public (BasicProperties Properties, byte[] Body) Fault(ServiceResult result, string channel)
    {
        var types = MessageTypes;
        var fault = new JsonObject
        {
            ["faultId"] = Guid.NewGuid().ToString(),
            ["faultedMessageId"] = Text("messageId"),
            ["timestamp"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["exceptions"] = new JsonArray(new JsonObject
            {
                ["exceptionType"] = "Integrations.ServiceException",
                ["message"] = $"{result.Error ?? "failed"} (status {result.Status}, channel_amqp '{channel}', cid={result.Cid})",
                ["source"] = "esb",
            }),
            ["host"] = Host(),
            ["faultMessageTypes"] = new JsonArray([.. types.Select(t => (JsonNode)(Urn + t))]),
            ["message"] = _message.DeepClone(),
        };
        string[] faultTypes = types.Count > 0 ? [$"MassTransit:Fault[[{types[0]}]]", "MassTransit:Fault"] : ["MassTransit:Fault"];
        return Envelope(Text("faultAddress") ?? Text("responseAddress"), faultTypes, fault, result.Cid);
    }

    private (BasicProperties, byte[]) Envelope(string? destination, IReadOnlyList<string> types, JsonNode? message, string cid)
    {
        var id = Guid.NewGuid().ToString();
        var envelope = new JsonObject
        {
            ["messageId"] = id,
            ["requestId"] = Text("requestId"),
            ["correlationId"] = Text("correlationId"),
            ["conversationId"] = Text("conversationId"),
            ["initiatorId"] = Text("messageId"),
            ["sourceAddress"] = Text("destinationAddress"),
            ["destinationAddress"] = destination,
            ["messageType"] = new JsonArray([.. types.Select(t => (JsonNode)(Urn + t))]),
            ["message"] = message,
            ["sentTime"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["headers"] = new JsonObject { ["esb-cid"] = cid },
            ["host"] = Host(),
        };
        var properties = new BasicProperties
        {
            ContentType = ContentType,
            MessageId = id,
            CorrelationId = Text("requestId"),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?> { [Bus.Backbone.Wire.Cid] = cid },
        };
        return (properties, JsonSerializer.SerializeToUtf8Bytes(envelope, Compact));
    }

    private static JsonObject Host() => new()
    {
        ["machineName"] = Environment.MachineName,
        ["processName"] = "esb",
        ["processId"] = Environment.ProcessId,
        ["assembly"] = "Integrations",
        ["frameworkVersion"] = Environment.Version.ToString(),
        ["operatingSystemVersion"] = Environment.OSVersion.ToString(),
    };

    private string? Text(string name) => _envelope[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    // rabbitmq://host/vhost/NAME?temporary=true → NAME: a bus endpoint's queue has its exchange's name.
    private static string? QueueOf(string? address) =>
        address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Segments.Length > 1
            ? Uri.UnescapeDataString(uri.Segments[^1].TrimEnd('/'))
            : null;

    private static string CamelCase(string name)
    {
        var words = name.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? name : words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    // A copy with every object's names renamed (the values as they are).
    private static JsonNode? Rename(JsonNode? node, Func<string, string> rename) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(rename(p.Key), Rename(p.Value, rename)))),
        JsonArray a => new JsonArray([.. a.Select(item => Rename(item, rename))]),
        _ => node?.DeepClone(),
    };
}

/// <summary>A MassTransit message as the delivery policy settles it: its answer goes back as a MassTransit response.</summary>
internal sealed class MassTransitInbound(IInbound inner, MassTransitMessage message, string? responseType, string channel,
    Func<string, BasicProperties, byte[], CancellationToken, Task> send) : IInbound
{
    private Dictionary<string, string>? _properties;

    public MassTransitMessage Message => message;
    public ReadOnlyMemory<byte> Body => message.Input;
    public IReadOnlyDictionary<string, string> Properties => _properties ??= Made();
    public string? MessageId => inner.MessageId;
    public bool Redelivered => inner.Redelivered;
    public string? Cid => inner.Cid;
    public string? ReplyTo => message.RequestId is null ? null : message.ResponseQueue;
    public bool CanSettle => inner.CanSettle;
    public Task CompleteAsync(CancellationToken cancellation) => inner.CompleteAsync(cancellation);
    public Task DeferAsync() => inner.DeferAsync();
    public Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation) => inner.DeadLetterAsync(letter, cancellation);

    public Task ReplyAsync(ServiceResult result, CancellationToken cancellation)
    {
        if (ReplyTo is not { } queue) return Task.CompletedTask;
        if (responseType is null)
            throw new InvalidOperationException($"channel_amqp '{channel}' has no response_type: set it to the message type the request client waits for (namespace:type)");
        var (properties, body) = message.Response(result, responseType);
        return send(queue, properties, body, cancellation);
    }

    /// <summary>Tells the request client, if one waits, that its request failed.</summary>
    public Task FaultAsync(ServiceResult result, CancellationToken cancellation)
    {
        if (message.RequestId is null || message.FaultQueue is not { } queue) return Task.CompletedTask;
        var (properties, body) = message.Fault(result, channel);
        return send(queue, properties, body, cancellation);
    }

    private Dictionary<string, string> Made()
    {
        var properties = new Dictionary<string, string>(inner.Properties, StringComparer.Ordinal);
        message.AddTo(properties);
        return properties;
    }
}
