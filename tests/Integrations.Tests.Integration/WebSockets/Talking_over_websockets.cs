using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.WebSockets;

/// <summary>Pushes its input's text to the client or topic it names.</summary>
[Service("test.push")]
public sealed class Push : Service<Push.Input, string>
{
    public sealed record Input(string Target, string Text);

    protected override async Task<string> Handle(Input input, ServiceContext ctx)
    {
        await ctx.PushAsync(input.Target, new { text = input.Text });
        return "pushed";
    }
}

[Collection(ServersCollection.Name)]
public sealed class Talking_over_websockets(Servers servers)
{
    [Fact]
    public async Task A_client_authenticates_invokes_is_refused_with_a_wrong_key_and_receives_pushes_from_another_node()
    {
        await using var first = await TestNode.StartAsync(servers, "ws-a", isolated: true);
        await using var second = await TestNode.StartAsync(servers, "ws-b", o => o.Schema = first.Options.Schema);
        await first.CreateAsync("/admin/security", """{"name":"WS Key","type":"apikey"}""");
        await first.SetSecretAsync("WS Key", "k1");
        await first.CreateAsync("/admin/channels/websocket", """{"name":"Hello","service":"demo.hello","url_path":"/ws/hello","security":"WS Key","max_message_bytes":2048}""");
        var url = new Uri(second.Options.ChannelsUrl.Replace("http://", "ws://") + "/ws/hello");
        await Scheduler.Running_jobs_on_a_schedule.Until(async () =>
            (await second.Channels.GetAsync("/ws/hello")).StatusCode == (HttpStatusCode)426, TimeSpan.FromSeconds(10));

        // A wrong key is refused at the handshake, with the reason.
        using (var refused = new ClientWebSocket())
        {
            refused.Options.SetRequestHeader("X-API-Key", "k2");
            refused.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(url, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        }

        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("X-API-Key", "k1");
        await client.ConnectAsync(url, CancellationToken.None);
        var connected = await ReceiveAsync(client);
        var id = connected["connected"]!.GetValue<string>();

        await SendAsync(client, """{"id":"1","input":{"name":"Ann"}}""");
        var answer = await ReceiveAsync(client);
        Assert.Equal("1", answer["id"]!.GetValue<string>());
        Assert.Equal(200, answer["status"]!.GetValue<int>());
        Assert.Equal("Howdy Ann!", answer["output"]!["greeting"]!.GetValue<string>());

        // Bad input is answered, and the socket stays open.
        await SendAsync(client, "{not json");
        Assert.Equal(400, (await ReceiveAsync(client))["status"]!.GetValue<int>());

        // A push to this client from a service running on the other node.
        var push = await first.InvokeAsync("test.push", $$"""{"target":"{{id}}","text":"just for you"}""");
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        Assert.Equal("just for you", (await ReceiveAsync(client))["push"]!["text"]!.GetValue<string>());

        // A push to a topic reaches its subscribers.
        await SendAsync(client, """{"subscribe":"prices"}""");
        Assert.Equal("prices", (await ReceiveAsync(client))["subscribed"]!.GetValue<string>());
        await first.InvokeAsync("test.push", """{"target":"topic:prices","text":"EUR 1.08"}""");
        var priced = await ReceiveAsync(client);
        Assert.Equal("prices", priced["topic"]!.GetValue<string>());
        Assert.Equal("EUR 1.08", priced["push"]!["text"]!.GetValue<string>());

        // A browser gives the key in the query string; a message over the limit closes the socket with 1009.
        using var browser = new ClientWebSocket();
        await browser.ConnectAsync(new Uri(url + "?api_key=k1"), CancellationToken.None);
        Assert.NotNull((await ReceiveAsync(browser))["connected"]);
        await SendAsync(browser, "{\"id\":\"big\",\"input\":{\"name\":\"" + new string('x', 4096) + "\"}}");
        var buffer = new byte[1024];
        var closing = await browser.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, browser.CloseStatus);
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject();
    }
}
