using System.Diagnostics;
using System.Net;
using System.Text;
using Integrations.Bus.Config;
using Integrations.Config;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Config;

[Collection(ServersCollection.Name)]
public sealed class Changing_configuration_on_a_cluster(Servers servers)
{
    [Fact]
    public async Task A_change_made_on_one_node_is_applied_by_the_other_without_a_restart()
    {
        await using var first = await TestNode.StartAsync(servers, "config-a");
        await using var second = await TestNode.StartAsync(servers, "config-b");
        var secondView = second.Get<ConfigView>();
        await first.Get<ConfigStore>().DeleteAsync<ServiceSettings>("test.sleep");
        Assert.Null(secondView.Find<ServiceSettings>("test.sleep"));

        var put = await first.Admin.PutAsync("/admin/services/test.sleep/settings",
            new StringContent("""{"timeout_seconds": 0.4}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var clock = Stopwatch.StartNew();
        while (secondView.Find<ServiceSettings>("test.sleep") is null && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        Assert.Equal(0.4, secondView.Find<ServiceSettings>("test.sleep")?.TimeoutSeconds);

        // The second node now gives callers of test.sleep 0.4 s, not its default of 30 s.
        var call = Stopwatch.StartNew();
        var response = await second.InvokeAsync("test.sleep", "milliseconds=3000");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(call.Elapsed < TimeSpan.FromSeconds(2), $"took {call.Elapsed}");

        await first.Get<ConfigStore>().DeleteAsync<ServiceSettings>("test.sleep");
        clock.Restart();
        while (secondView.Find<ServiceSettings>("test.sleep") is not null && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        Assert.Null(secondView.Find<ServiceSettings>("test.sleep"));
    }

    [Fact]
    public async Task A_channel_created_on_one_node_is_served_by_the_other_and_gone_from_both_when_deleted()
    {
        await using var first = await TestNode.StartAsync(servers, "channel-a");
        await using var second = await TestNode.StartAsync(servers, "channel-b");
        var created = await first.Admin.PostAsync("/admin/channels/rest",
            new StringContent("""{"name":"cluster hello","service":"demo.hello","url_path":"/cluster/hello"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var clock = Stopwatch.StartNew();
        HttpResponseMessage answer;
        while ((answer = await second.Channels.GetAsync("/cluster/hello?name=Ann")).StatusCode != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        Assert.Equal("""{"greeting":"Howdy Ann!"}""", await answer.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await first.Admin.DeleteAsync("/admin/channels/rest/cluster%20hello")).StatusCode);
        clock.Restart();
        while ((answer = await second.Channels.GetAsync("/cluster/hello")).StatusCode != HttpStatusCode.NotFound && clock.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task A_node_that_starts_later_loads_the_committed_configuration()
    {
        await using (var first = await TestNode.StartAsync(servers, "config-early"))
            await first.Get<ConfigStore>().SaveAsync(new ServiceSettings { Name = "demo.hello", TimeoutSeconds = 12 });

        await using var late = await TestNode.StartAsync(servers, "config-late");
        Assert.Equal(12, late.Get<ConfigView>().Find<ServiceSettings>("demo.hello")?.TimeoutSeconds);
        await late.Get<ConfigStore>().DeleteAsync<ServiceSettings>("demo.hello");
    }

    [Fact]
    public async Task A_bad_setting_is_refused_and_nothing_changes()
    {
        await using var node = await TestNode.StartAsync(servers, "config-bad");
        var response = await node.Admin.PutAsync("/admin/services/demo.hello/settings",
            new StringContent("""{"timeout_seconds": -1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("timeout_seconds", await response.Content.ReadAsStringAsync());
        Assert.Null(node.Get<ConfigView>().Find<ServiceSettings>("demo.hello"));
    }
}
