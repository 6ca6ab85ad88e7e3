using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Rest;

/// <summary>
/// REST channels, WebSockets channels and the node's own endpoints share the channel port: a path one of them serves
/// cannot be taken by another, whichever is created first.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Sharing_the_channel_port(Servers servers) : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(servers, "channel-port", isolated: true, demo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private const string Rest = "/admin/channels/rest", WebSocket = "/admin/channels/websocket";

    [Theory]
    // first kind, first path, second kind, second path, who took it
    [InlineData(Rest, "/a/orders", WebSocket, "/a/orders", "channel_rest 'first'")]
    [InlineData(WebSocket, "/b/feed", Rest, "/b/feed", "channel_websocket 'first'")]
    [InlineData(WebSocket, "/c/feed", Rest, "/c/{what}", "channel_websocket 'first'")]
    [InlineData(Rest, "/d/{what}", WebSocket, "/d/feed", "channel_rest 'first'")]
    [InlineData(WebSocket, "/E/Feed/", Rest, "/e/feed", "channel_websocket 'first'")]
    [InlineData(Rest, "/f/{id}", Rest, "/f/{other}", "channel_rest 'first'")]
    [InlineData(WebSocket, "/g/feed", WebSocket, "/g/feed", "channel_websocket 'first'")]
    public async Task A_path_taken_by_one_channel_kind_is_refused_to_any_other(string firstKind, string firstPath, string secondKind, string secondPath, string taker)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        await _node.CreateAsync(firstKind, Channel("first", firstPath));
        var refused = await _node.Admin.PostAsync(secondKind, AdminCalls.Json(Channel("second-" + id, secondPath)));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("field").GetString() == "url_path");
        Assert.Equal($"{secondPath} is taken by {taker}", error.GetProperty("message").GetString());
        await _node.Admin.DeleteAsync($"{firstKind}/first");
    }

    [Theory]
    [InlineData(Rest, "/esb/ping")]
    [InlineData(Rest, "/esb/anything")]
    [InlineData(WebSocket, "/esb/socket")]
    [InlineData(Rest, "/tutorial/api/get-user")]
    [InlineData(WebSocket, "/tutorial/api/balance/get")]
    public async Task A_path_the_node_serves_itself_is_refused_to_every_channel(string kind, string path)
    {
        var refused = await _node.Admin.PostAsync(kind, AdminCalls.Json(Channel("own-" + Guid.NewGuid().ToString("N")[..6], path)));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"{path} is served by the node itself", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Paths_that_do_not_meet_are_served_each_by_its_own_channel()
    {
        await _node.CreateAsync(WebSocket, Channel("socket", "/h/feed"));
        await _node.CreateAsync(Rest, Channel("rest", "/h/orders/{id}"));
        Assert.Equal((HttpStatusCode)426, (await _node.Channels.GetAsync("/h/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.Channels.GetAsync("/h/orders/7")).StatusCode);
    }

    private static string Channel(string name, string path) =>
        JsonSerializer.Serialize(new { name, service = "demo.hello", url_path = path });
}
