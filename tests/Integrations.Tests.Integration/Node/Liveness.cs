using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Node;

[Collection(ServersCollection.Name)]
public sealed class Liveness(Servers servers)
{
    [Fact]
    public async Task Ping_answers_with_a_pong_the_node_and_the_cid()
    {
        await using var node = await TestNode.StartAsync(servers, "ping-node");
        var response = await node.Channels.GetAsync("/esb/ping");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("esb", json.RootElement.GetProperty("pong").GetString());
        Assert.Equal("ping-node", json.RootElement.GetProperty("node").GetString());
        Assert.Equal(response.Headers.GetValues("X-Esb-Cid").Single(), json.RootElement.GetProperty("cid").GetString());
    }

    [Fact]
    public async Task The_channel_port_does_not_serve_the_admin_api()
    {
        await using var node = await TestNode.StartAsync(servers, "ports-node");
        var response = await node.Channels.GetAsync("/admin/services");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Esb-Cid"));
    }
}
