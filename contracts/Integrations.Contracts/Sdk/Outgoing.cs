using System.Net;
using System.Text.Json;

namespace Integrations;

/// <summary>The outgoing connections a service may use, by name; they are configured apart from any code.</summary>
public sealed class Outgoing
{
    private readonly ServiceContext _context;
    private readonly IOutgoingConnections _connections;

    internal Outgoing(ServiceContext context, IOutgoingConnections connections)
    {
        _context = context;
        _connections = connections;
        Rest = new RestConnections(this);
        Amqp = new AmqpConnections(this);
    }

    /// <summary>Outgoing MQ (AMQP 1.0) connections: <c>ctx.Out.Mq["Ledger"]</c>.</summary>
    public MqConnections Mq => new(this);

    /// <summary>Outgoing MQ connections by name.</summary>
    public readonly struct MqConnections
    {
        private readonly Outgoing _outgoing;
        internal MqConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>.</summary>
        public MqConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }

    /// <summary>Outgoing AMQP connections: <c>ctx.Out.Amqp["Orders"]</c>.</summary>
    public AmqpConnections Amqp { get; }

    /// <summary>Outgoing AMQP connections by name.</summary>
    public sealed class AmqpConnections
    {
        private readonly Outgoing _outgoing;
        internal AmqpConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>.</summary>
        public AmqpConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }

    /// <summary>Outgoing REST connections: <c>ctx.Out.Rest["CRM"]</c>.</summary>
    public RestConnections Rest { get; }

    /// <summary>Outgoing REST connections by name.</summary>
    public sealed class RestConnections
    {
        private readonly Outgoing _outgoing;
        internal RestConnections(Outgoing outgoing) => _outgoing = outgoing;

        /// <summary>The connection named <paramref name="name"/>; using an unknown or inactive one fails the call with a message naming it.</summary>
        public RestConnection this[string name] => new(name, _outgoing._connections, _outgoing._context);
    }
}

/// <summary>
/// One outgoing REST connection, as a service uses it. <c>query</c> values fill the URL path's
/// <c>{placeholders}</c>; the rest go to the query string. Bodies are sent as JSON. Every call carries
/// <c>X-Esb-Cid</c>, and is logged with its answer's status, time and length.
/// </summary>
public readonly struct RestConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal RestConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>GET, with <paramref name="query"/> for the path's placeholders and the query string.</summary>
    public Task<RestResponse> GetAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, query, null, headers);

    /// <summary>DELETE.</summary>
    public Task<RestResponse> DeleteAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Delete, query, null, headers);

    /// <summary>POST <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PostAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, query, body, headers);

    /// <summary>PUT <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PutAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Put, query, body, headers);

    /// <summary>PATCH <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PatchAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Patch, query, body, headers);

    /// <summary>Any method.</summary>
    /// <exception cref="OutgoingCallException">The system could not be reached or did not answer in time (502).</exception>
    public Task<RestResponse> SendAsync(HttpMethod method, object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _connections.SendRestAsync(Name, new RestRequest(method, query, body, headers), _context.Scope);
}

/// <summary>One outgoing AMQP connection, as a service uses it: publishes with the broker's confirmation.</summary>
public readonly struct AmqpConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal AmqpConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Publishes <paramref name="body"/> (JSON; a string as it is) to the connection's exchange, with
    /// <paramref name="routingKey"/> (else the connection's), extra <paramref name="headers"/> and ids; returns once
    /// the broker confirmed it. The message carries the call's cid in <c>esb-cid</c>.
    /// </summary>
    /// <exception cref="OutgoingCallException">The broker could not be reached or refused the message (502).</exception>
    public Task PublishAsync(object? body, string? routingKey = null, IReadOnlyDictionary<string, string>? headers = null,
        string? messageId = null, string? correlationId = null) =>
        _connections.PublishAmqpAsync(Name, new AmqpMessage(body, routingKey, headers, messageId, correlationId), _context.Scope);
}

/// <summary>One outgoing MQ (AMQP 1.0) connection, as a service uses it.</summary>
public readonly struct MqConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal MqConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>Sends <paramref name="body"/> (JSON; a string as it is) to the connection's address, with application properties and ids; returns once the broker accepted it.</summary>
    /// <exception cref="OutgoingCallException">The broker could not be reached or refused the message (502).</exception>
    public Task SendAsync(object? body, IReadOnlyDictionary<string, string>? properties = null, string? messageId = null, string? correlationId = null) =>
        _connections.SendMqAsync(Name, new AmqpMessage(body, null, properties, messageId, correlationId), _context.Scope);
}

/// <summary>What a service publishes on an outgoing AMQP connection.</summary>
public sealed record AmqpMessage(object? Body, string? RoutingKey, IReadOnlyDictionary<string, string>? Headers, string? MessageId, string? CorrelationId);

/// <summary>What a service asks of an outgoing REST connection.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Query">An object or dictionary: its members fill the path's placeholders, the rest go to the query string, names as written.</param>
/// <param name="Body">Sent as JSON (names as written); a string is sent as it is.</param>
/// <param name="Headers">Extra request headers.</param>
public sealed record RestRequest(HttpMethod Method, object? Query, object? Body, IReadOnlyDictionary<string, string>? Headers);

/// <summary>The answer of another system.</summary>
public sealed class RestResponse
{
    private readonly string _connection;
    private JsonElement? _json;

    /// <summary>Makes a response (the runtime does).</summary>
    public RestResponse(string connection, HttpStatusCode status, IReadOnlyDictionary<string, string> headers, string text)
    {
        _connection = connection;
        Status = status;
        Headers = headers;
        Text = text;
    }

    /// <summary>The status.</summary>
    public HttpStatusCode Status { get; }
    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;
    /// <summary>The response headers (names case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    /// <summary>The body as text.</summary>
    public string Text { get; }

    /// <summary>The body parsed as JSON.</summary>
    /// <exception cref="OutgoingCallException">The body is not JSON (502).</exception>
    public JsonElement Json => _json ??= Parse();

    /// <summary>
    /// A field of a successful JSON answer, as text (a string's value, or a number's or boolean's JSON text).
    /// A failed answer, a body that is not a JSON object, or a missing field fails the call with 502 naming the system.
    /// </summary>
    public string this[string field]
    {
        get
        {
            if (!IsSuccess)
                throw new OutgoingCallException(_connection, $"answered {(int)Status} {Status}");
            var json = Json;
            if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(field, out var value))
                throw new OutgoingCallException(_connection, $"its answer has no field '{field}'");
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }
    }

    private JsonElement Parse()
    {
        try
        {
            using var document = JsonDocument.Parse(Text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new OutgoingCallException(_connection, "its answer is not JSON");
        }
    }
}

/// <summary>An outgoing system failed: unreachable, too slow, or an unusable answer. The caller gets 502 naming the system.</summary>
public sealed class OutgoingCallException(string connection, string reason)
    : ServiceException(502, $"{connection}: {reason}")
{
    /// <summary>The connection's name.</summary>
    public string Connection { get; } = connection;
}

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
