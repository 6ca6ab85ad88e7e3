using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Integrations.Tests.Integration.Infrastructure;
using Integrations.Tests.Integration.Scheduler;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.PubSub;

/// <summary>Publishes its input to the topic it names.</summary>
[Service("test.publish")]
public sealed class Publish : Service<Publish.Input, string>
{
    public sealed record Input(string Topic, string Token);

    protected override async Task<string> Handle(Input input, ServiceContext ctx)
    {
        await ctx.PublishAsync(input.Topic, new { token = input.Token });
        return "published";
    }
}

[Collection(ServersCollection.Name)]
public sealed class Publishing_to_subscribers(Servers servers)
{
    [Fact]
    public async Task Four_kinds_of_subscriber_each_get_every_message_even_when_the_worker_restarts_in_the_middle()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = "orders-" + id;
        var hook = new ConcurrentBag<string>();
        await using var receiver = await TestHttpServer.StartAsync(app => app.MapPost("/hook", async (HttpContext http) =>
        {
            hook.Add(await new StreamReader(http.Request.Body).ReadToEndAsync());
            return Results.Ok();
        }));
        await using var edge = await TestNode.StartAsync(servers, "pubsub-edge", o => o.Roles = Bus.Node.NodeRoles.Edge | Bus.Node.NodeRoles.Dashboard, isolated: true);
        var worker = await TestNode.StartAsync(servers, "pubsub-worker-1", o => o.Schema = edge.Options.Schema);
        var mirror = "mirror-" + id;
        var connection = await new ConnectionFactory { Uri = new Uri(servers.RabbitMq) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(mirror, durable: true, exclusive: false, autoDelete: false);

        await edge.CreateAsync("/admin/security", """{"name":"Pub Key","type":"apikey"}""");
        await edge.SetSecretAsync("Pub Key", "p1");
        await edge.CreateAsync("/admin/pubsub/topics", $$"""{"name":"{{topic}}","security":"Pub Key"}""");
        await edge.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await edge.CreateAsync("/admin/outgoing/amqp", $$"""{"name":"Mirror","connection":"Backbone","routing_key":"{{mirror}}"}""");
        await edge.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Hook","address":"{{receiver.Url}}","url_path":"/hook"}""");
        await edge.CreateAsync("/admin/channels/websocket", $$"""{"name":"Feed {{id}}","service":"demo.hello","url_path":"/ws/feed-{{id}}"}""");
        await edge.CreateAsync("/admin/pubsub/subscriptions", $$"""{"name":"svc-{{id}}","topic":"{{topic}}","deliver_to":"service","service":"test.tally"}""");
        await edge.CreateAsync("/admin/pubsub/subscriptions", $$"""{"name":"amqp-{{id}}","topic":"{{topic}}","deliver_to":"amqp","outgoing":"Mirror"}""");
        await edge.CreateAsync("/admin/pubsub/subscriptions", $$"""{"name":"rest-{{id}}","topic":"{{topic}}","deliver_to":"rest","outgoing":"Hook"}""");
        await edge.CreateAsync("/admin/pubsub/subscriptions", $$"""{"name":"ws-{{id}}","topic":"{{topic}}","deliver_to":"websocket"}""");

        using var socket = new ClientWebSocket();
        await Until(async () => (await edge.Channels.GetAsync($"/ws/feed-{id}")).StatusCode == (HttpStatusCode)426, TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri(edge.Options.ChannelsUrl.Replace("http://", "ws://") + $"/ws/feed-{id}"), CancellationToken.None);
        var pushed = new ConcurrentBag<string>();
        var listening = ListenAsync(socket, pushed);
        await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"subscribe":"{{topic}}"}"""), WebSocketMessageType.Text, true, CancellationToken.None);

        var tokens = Enumerable.Range(1, 6).Select(n => $"{id}-{n}").ToArray();
        // 1: over REST with the topic's API key (a wrong one is refused); 2: through the admin API; 3: from a service.
        var refused = new HttpRequestMessage(HttpMethod.Post, $"/esb/pubsub/topic/{topic}") { Content = AdminCalls.Json($$"""{"token":"nope"}""") };
        refused.Headers.Add("X-API-Key", "p2");
        Assert.Equal(HttpStatusCode.Unauthorized, (await edge.Channels.SendAsync(refused)).StatusCode);
        var rest = new HttpRequestMessage(HttpMethod.Post, $"/esb/pubsub/topic/{topic}") { Content = AdminCalls.Json($$"""{"token":"{{tokens[0]}}"}""") };
        rest.Headers.Add("X-API-Key", "p1");
        Assert.Equal(HttpStatusCode.Accepted, (await edge.Channels.SendAsync(rest)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await edge.Admin.PostAsync($"/admin/pubsub/topics/{topic}/publish", AdminCalls.Json($$"""{"token":"{{tokens[1]}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await edge.InvokeAsync("test.publish", $$"""{"topic":"{{topic}}","token":"{{tokens[2]}}"}""")).StatusCode);
        await Until(() => tokens[..3].All(t => Tally.Count(t) == 1), TimeSpan.FromSeconds(15));

        // The only worker stops; messages published meanwhile wait in each subscription's queue.
        await worker.DisposeAsync();
        foreach (var token in tokens[3..])
            Assert.Equal(HttpStatusCode.Accepted, (await edge.Admin.PostAsync($"/admin/pubsub/topics/{topic}/publish", AdminCalls.Json($$"""{"token":"{{token}}"}"""))).StatusCode);
        Assert.Equal(3u, await servers.QueueDepthAsync($"esb.sub.svc-{id}"));
        await using var restarted = await TestNode.StartAsync(servers, "pubsub-worker-2", o => o.Schema = edge.Options.Schema);

        await Until(() => tokens.All(t => Tally.Count(t) >= 1) && hook.Count >= 6 && pushed.Count >= 6, TimeSpan.FromSeconds(30));
        await Until(async () => await servers.QueueDepthAsync(mirror) >= 6, TimeSpan.FromSeconds(10));
        Assert.All(tokens, t => Assert.Equal(1, Tally.Count(t)));
        Assert.Equal(tokens.Order(), hook.Select(b => JsonNode.Parse(b)!["token"]!.GetValue<string>()).Order());
        Assert.Equal(tokens.Order(), pushed.Order());
        var mirrored = new List<string>();
        while (await channel.BasicGetAsync(mirror, autoAck: true) is { } message) mirrored.Add(JsonNode.Parse(message.Body.Span)!["token"]!.GetValue<string>());
        Assert.Equal(tokens.Order(), mirrored.Order());
        await connection.CloseAsync();
    }

    private static async Task ListenAsync(ClientWebSocket socket, ConcurrentBag<string> pushed)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close) return;
                var message = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!;
                if (message["push"]?["token"] is { } token) pushed.Add(token.GetValue<string>());
            }
        }
        catch (WebSocketException)
        {
            // The node stopped.
        }
    }
}
