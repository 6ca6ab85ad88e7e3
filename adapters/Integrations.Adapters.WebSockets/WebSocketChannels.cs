using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Integrations.Config;
using Integrations.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Adapters.WebSockets;

/// <summary>
/// WebSockets channels: a client connects to a channel's path (the security definition checked at the handshake; an
/// API key may come as <c>?api_key=</c> and a JWT as <c>?access_token=</c>, for browsers), is told its id
/// (<c>{"connected": "…"}</c>), and sends JSON text messages: <c>{"id": "1", "input": {…}}</c> invokes the service and
/// <c>{"id": "1", "status": 200, "output": …, "cid": "…"}</c> comes back; <c>{"subscribe": "prices"}</c> subscribes to a
/// topic. Services push with <c>ctx.PushAsync(clientId or "topic:NAME", message)</c> from any node; the client gets
/// <c>{"push": …, "topic": …}</c>. Keep-alive pings, an idle timeout, and limits on message size and connections.
/// </summary>
public sealed class WebSocketChannels(ConfigView view, CallerSecurity callers, ServiceClient services, Pushes pushes, Bus.Telemetry.Hops hops, ILogger log) : IHostedService, IChannelRoutes
{
    private const int InFlightPerClient = 16;
    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "websocket");

    /// <summary>The clients connected to this node.</summary>
    public int Connected => _clients.Count;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => pushes.SubscribeAsync(DeliverAsync).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _clients.Values)
        {
            try
            {
                await client.Socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "the node is stopping", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
                // Gone already.
            }
        }
    }

    /// <inheritdoc />
    public string? Kind => ConfigKinds.NameOf(typeof(ChannelWebSocket));

    /// <inheritdoc />
    public IEnumerable<ChannelRoute> Routes() =>
        view.All<ChannelWebSocket>().Select(channel => new ChannelRoute(channel.UrlPath, $"channel_websocket '{channel.Name}'",
            (http, cid) => ConnectAsync(http, channel, cid)));

    /// <summary>A client's handshake on <paramref name="channel"/>'s path: checked, then served until it goes away.</summary>
    private async Task ConnectAsync(HttpContext http, ChannelWebSocket channel, string cid)
    {
        var path = http.Request.Path.Value ?? "/";
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await HttpAnswers.WriteErrorAsync(http, 426, $"{path} is a WebSocket channel: connect with a WebSocket client (ws://…)", cid).ConfigureAwait(false);
            return;
        }
        if (!channel.IsActive)
        {
            await HttpAnswers.WriteErrorAsync(http, 403, $"the channel '{channel.Name}' is inactive", cid).ConfigureAwait(false);
            return;
        }
        if (_clients.Values.Count(c => c.Channel == channel.Name) >= channel.MaxConnections)
        {
            await HttpAnswers.WriteErrorAsync(http, 503, $"the channel '{channel.Name}' has its {channel.MaxConnections} connections on this node; try again later", cid).ConfigureAwait(false);
            return;
        }
        var check = await callers.CheckAsync(http, channel.Security, fromQuery: true).ConfigureAwait(false);
        if (!check.Passed)
        {
            _log.ForContext("Cid", cid).Warning("WS cha: {Path} refused: {Reason}", path, check.Error);
            await HttpAnswers.WriteErrorAsync(http, check.Status, check.Error ?? "refused", cid).ConfigureAwait(false);
            return;
        }
        var caller = check.Caller;

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.FromSeconds(channel.PingSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(channel.PingSeconds * 2),
        }).ConfigureAwait(false);
        var client = new Client(cid, channel.Name, socket, caller);
        _clients[client.Id] = client;
        _log.ForContext("Cid", cid).Information("WS cha → cid={Cid}; {Path} name={Channel}; client={Client}; caller={Caller}; remote-addr={Remote}",
            cid, path, channel.Name, client.Id, caller ?? "-", http.Connection.RemoteIpAddress?.ToString());
        try
        {
            await client.SendAsync(new JsonObject { ["connected"] = client.Id, ["channel"] = channel.Name }, http.RequestAborted).ConfigureAwait(false);
            await ReceiveAsync(client, channel, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            _clients.TryRemove(client.Id, out _);
            _log.ForContext("Cid", cid).Information("WS cha ← cid={Cid}; client={Client} disconnected after {Messages} messages", cid, client.Id, client.Messages);
        }
    }


    private async Task ReceiveAsync(Client client, ChannelWebSocket channel, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(channel.MaxMessageBytes + 1, 1024 * 1024) + 1);
        using var inFlight = new SemaphoreSlim(InFlightPerClient);
        try
        {
            while (client.Socket.State == WebSocketState.Open)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                idle.CancelAfter(TimeSpan.FromSeconds(channel.IdleTimeoutSeconds));
                var message = new MemoryStream();
                WebSocketReceiveResult received;
                try
                {
                    do
                    {
                        received = await client.Socket.ReceiveAsync(buffer, idle.Token).ConfigureAwait(false);
                        message.Write(buffer, 0, received.Count);
                        if (message.Length > channel.MaxMessageBytes)
                        {
                            await client.Socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are at most {channel.MaxMessageBytes} bytes", aborted).ConfigureAwait(false);
                            return;
                        }
                    }
                    while (!received.EndOfMessage);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, $"idle for {channel.IdleTimeoutSeconds} s", CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                client.Messages++;
                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    await client.SendAsync(Error(null, 415, "send JSON text messages: {\"id\": \"1\", \"input\": {…}}", client.Cid), aborted).ConfigureAwait(false);
                    continue;
                }
                await inFlight.WaitAsync(aborted).ConfigureAwait(false);
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                _ = HandleAsync(client, channel, text, aborted).ContinueWith(_ => inFlight.Release(), TaskScheduler.Default);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleAsync(Client client, ChannelWebSocket channel, string text, CancellationToken aborted)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("a message must be a JSON object");
        }
        catch (JsonException e)
        {
            await client.SendAsync(Error(null, 400, e.Message.StartsWith("a message", StringComparison.Ordinal) ? e.Message : ServiceInput.Malformed(e), client.Cid), aborted).ConfigureAwait(false);
            return;
        }
        if (request["subscribe"] is JsonValue subscribe && subscribe.TryGetValue<string>(out var topic) && topic.Length > 0)
        {
            client.Topics[topic] = true;
            await client.SendAsync(new JsonObject { ["subscribed"] = topic }, aborted).ConfigureAwait(false);
            return;
        }
        if (request["unsubscribe"] is JsonValue unsubscribe && unsubscribe.TryGetValue<string>(out var gone))
        {
            client.Topics.TryRemove(gone, out _);
            await client.SendAsync(new JsonObject { ["unsubscribed"] = gone }, aborted).ConfigureAwait(false);
            return;
        }
        var id = request["id"]?.DeepClone();
        if (request["input"] is not (null or JsonObject))
        {
            await client.SendAsync(Error(id, 400, "input must be a JSON object: {\"id\": \"1\", \"input\": {…}}", client.Cid), aborted).ConfigureAwait(false);
            return;
        }
        var cid = Cid.New();
        var log = _log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        log.Information("WS cha → cid={Cid}; name={Channel}; client={Client}; len={Length}", cid, channel.Name, client.Id, text.Length);
        // A message may continue its sender's trace: {"id": …, "input": …, "traceparent": "00-…"}.
        var hop = hops.Channel("websocket", channel.Name, cid, traceParent: (request["traceparent"] as JsonValue)?.ToString());
        var result = await services.InvokeAsync(new InvokeService
        {
            Service = channel.Service, Cid = cid, Input = request["input"] is { } given ? System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(given) : default, Channel = channel.Name, Caller = client.Caller,
            Properties = new Dictionary<string, string> { ["websocket.client"] = client.Id },
        }, aborted).ConfigureAwait(false);
        var answer = new JsonObject { ["id"] = id, ["status"] = result.Status, ["cid"] = cid };
        if (result.Status < 400) answer["output"] = result.Output is null ? null : JsonNode.Parse(result.Output);
        else answer["error"] = result.Error;
        await client.SendAsync(answer, aborted).ConfigureAwait(false);
        hop.End(result.Status, result.Error);
        log.Information("WS cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task DeliverAsync(string target, string json, string? cid)
    {
        var topic = target.StartsWith("topic:", StringComparison.Ordinal) ? target[6..] : null;
        var recipients = topic is not null
            ? _clients.Values.Where(c => c.Topics.ContainsKey(topic)).ToList()
            : _clients.TryGetValue(target, out var one) ? [one] : [];
        if (recipients.Count == 0) return;
        var message = new JsonObject { ["push"] = JsonNode.Parse(json), ["cid"] = cid };
        if (topic is not null) message["topic"] = topic;
        foreach (var client in recipients)
        {
            try
            {
                await client.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
                // Disconnecting: it misses the push.
            }
        }
        _log.ForContext("Cid", cid).Information("push ← cid={Cid}; {Target}; {Count} client(s) on this node", cid, target, recipients.Count);
    }

    private static JsonObject Error(JsonNode? id, int status, string error, string cid) =>
        new() { ["id"] = id, ["status"] = status, ["error"] = error, ["cid"] = cid };

    private sealed class Client(string cid, string channel, WebSocket socket, string? caller)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        public string Id { get; } = Integrations.Bus.Node.Cid.New();
        public string Cid { get; } = cid;
        public string Channel { get; } = channel;
        public WebSocket Socket { get; } = socket;
        public string? Caller { get; } = caller;
        public ConcurrentDictionary<string, bool> Topics { get; } = new(StringComparer.Ordinal);
        public int Messages { get; set; }

        public async Task SendAsync(JsonObject message, CancellationToken cancellation)
        {
            var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
            await _send.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                if (Socket.State == WebSocketState.Open) await Socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellation).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
