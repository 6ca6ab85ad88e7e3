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

    [Fact]
    public async Task A_literal_path_wins_over_a_template_and_case_and_a_trailing_slash_do_not_matter()
    {
        await _node.CreateAsync(Rest, JsonSerializer.Serialize(new { name = "any-order", service = "demo.hello", url_path = "/i/orders/{name}" }));
        await _node.CreateAsync(Rest, JsonSerializer.Serialize(new { name = "new-order", service = "demo.hello", url_path = "/i/orders/new" }));

        Assert.Equal("""{"greeting":"Howdy Mike!"}""", await (await _node.Channels.GetAsync("/i/orders/Mike")).Content.ReadAsStringAsync());
        Assert.Equal("""{"greeting":"Howdy partner!"}""", await (await _node.Channels.GetAsync("/i/orders/new")).Content.ReadAsStringAsync());
        Assert.Equal("""{"greeting":"Howdy Ann!"}""", await (await _node.Channels.GetAsync("/I/Orders/Ann/")).Content.ReadAsStringAsync());

        await _node.Admin.DeleteAsync($"{Rest}/new-order");
        Assert.Equal("""{"greeting":"Howdy new!"}""", await (await _node.Channels.GetAsync("/i/orders/new")).Content.ReadAsStringAsync());
        await _node.Admin.DeleteAsync($"{Rest}/any-order");
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Channels.GetAsync("/i/orders/new")).StatusCode);
    }

    [Theory]
    // method, path, status, the error, the Allow header
    [InlineData("GET", "/j/nothing", 404, "no channel matches GET /j/nothing", null)]
    [InlineData("POST", "/esb/ping", 405, "POST is not allowed on /esb/ping; use GET", "GET")]
    [InlineData("DELETE", "/tutorial/api/get-user", 405, "DELETE is not allowed on /tutorial/api/get-user; use GET, HEAD", "GET, HEAD")]
    [InlineData("GET", "/esb/pubsub/topic/prices", 405, "publish with POST /esb/pubsub/topic/prices", "POST")]
    [InlineData("POST", "/esb/pubsub/topic/no-such-topic", 404, "no pubsub_topic named 'no-such-topic'", null)]
    public async Task What_the_port_does_not_serve_is_answered_in_json_with_a_cid(string method, string path, int status, string error, string? allow)
    {
        var response = await _node.Channels.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}") : null });

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.Equal(response.Headers.GetValues("X-Esb-Cid").Single(), json.RootElement.GetProperty("cid").GetString());
        Assert.Equal(allow, response.Content.Headers.Allow.Count == 0 ? null : string.Join(", ", response.Content.Headers.Allow));
    }

    private static string Channel(string name, string path) =>
        JsonSerializer.Serialize(new { name, service = "demo.hello", url_path = path });
}
