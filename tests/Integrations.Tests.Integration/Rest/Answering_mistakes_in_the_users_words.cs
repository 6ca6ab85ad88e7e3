using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Rest;

/// <summary>
/// A mistake is answered with what was wrong, where, and what would be right — the same on every surface, and never
/// with a .NET type's name.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Answering_mistakes_in_the_users_words(Servers servers) : IAsyncLifetime
{
    private const string WrongType = "name: expected a string, got the number 5";
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(servers, "mistakes", isolated: true);
        await _node.CreateAsync("/admin/channels/rest", """{"name":"hello","service":"demo.hello","url_path":"/mistakes/hello"}""");
        await _node.CreateAsync("/admin/channels/websocket", """{"name":"hello ws","service":"demo.hello","url_path":"/mistakes/ws"}""");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_value_of_the_wrong_type_is_named_with_what_it_must_be_on_rest_the_admin_api_the_cli_websockets_and_amqp()
    {
        var rest = await _node.Channels.PostAsync("/mistakes/hello", AdminCalls.Json("""{"name": 5}"""));
        Assert.Equal(WrongType, await AdminCalls.AssertErrorAsync(rest, HttpStatusCode.BadRequest));

        var admin = await _node.InvokeAsync("demo.hello", """{"name": 5}""");
        Assert.Equal(WrongType, await AdminCalls.AssertErrorAsync(admin, HttpStatusCode.BadRequest));

        var cli = await EsbCli.For(_node).RunAsync("invoke", "demo.hello", """{"name": 5}""");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains($"esb invoke: 400 {WrongType}", cli.Err);

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_node.Options.ChannelsUrl.Replace("http://", "ws://") + "/mistakes/ws"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"id":"1","input":{"name":5}}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[8192];
        JsonElement answer;
        do
        {
            // The channel greets a client first; the answer is the message with the request's id.
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            answer = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;
        }
        while (!answer.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != "1");
        Assert.Equal(400, answer.GetProperty("status").GetInt32());
        Assert.Equal(WrongType, answer.GetProperty("error").GetString());

        // AMQP: the message is kept among the failed messages with the same reason.
        var queue = "mistakes.in." + Guid.NewGuid().ToString("N")[..6];
        await _node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await _node.CreateAsync("/admin/channels/amqp", $$"""{"name":"mistakes {{queue}}","connection":"Backbone","queue":"{{queue}}","service":"demo.hello"}""");
        await using var connection = await new ConnectionFactory { Uri = new Uri(servers.RabbitMq) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Until(async () => (await servers.QueueDepthAsync(queue)) is not null, TimeSpan.FromSeconds(10));
        await channel.BasicPublishAsync("", queue, Encoding.UTF8.GetBytes("""{"name": 5}"""));
        var failed = await Operations.Keeping_failed_messages.WaitForFailedAsync(_node, "channel", $"mistakes {queue}", 1);
        Assert.Equal((400, WrongType), (failed.Messages[0].Status, failed.Messages[0].Error));
    }

    [Fact]
    public async Task A_mistyped_service_gets_a_suggestion()
    {
        var response = await _node.InvokeAsync("demo.helo", "name=Mike");
        Assert.Equal("no service named 'demo.helo'; did you mean 'demo.hello'?", await AdminCalls.AssertErrorAsync(response, HttpStatusCode.NotFound));

        var refused = await _node.Admin.PostAsync("/admin/channels/rest", AdminCalls.Json("""{"name":"typo","service":"tutorial.get-user-detail","url_path":"/typo"}"""));
        Assert.Contains("service: no service named 'tutorial.get-user-detail'; did you mean 'tutorial.get-user-details'?", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_mistyped_admin_api_path_gets_a_suggestion()
    {
        var response = await _node.Admin.GetAsync("/admin/outgoing/rst");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("the admin API has no GET /admin/outgoing/rst; did you mean /admin/outgoing/rest?", await AdminCalls.ErrorOf(response));
        var deeper = await _node.Admin.PostAsync("/admin/secruity/My%20Key/secret", AdminCalls.Json("{}"));
        Assert.Equal("the admin API has no POST /admin/secruity/My Key/secret; did you mean /admin/security/My Key/secret?", await AdminCalls.ErrorOf(deeper));
    }

    [Fact]
    public async Task A_mistyped_field_or_reference_gets_a_suggestion()
    {
        var field = await _node.Admin.PostAsync("/admin/outgoing/rest", AdminCalls.Json("""{"name":"CRM","adress":"http://localhost:1"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, field.StatusCode);
        Assert.Contains("adress: unknown field; did you mean 'address'?", await field.Content.ReadAsStringAsync());

        await _node.CreateAsync("/admin/security", """{"name":"My API Key","type":"apikey"}""");
        var reference = await _node.Admin.PostAsync("/admin/channels/rest", AdminCalls.Json("""{"name":"ref","service":"demo.hello","url_path":"/ref","security":"My API Ky"}"""));
        Assert.Contains("security: no security definition named 'My API Ky'; did you mean 'My API Key'?", await reference.Content.ReadAsStringAsync());

        var type = await _node.Admin.PostAsync("/admin/outgoing/rest", AdminCalls.Json("""{"name":"CRM","address":"http://localhost:1","timeout_seconds":"soon"}"""));
        Assert.Contains("timeout_seconds: expected a number, got the string \\\"soon\\\"", await type.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_service_setting_of_the_wrong_type_is_named_in_the_users_words()
    {
        var response = await _node.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout_seconds": "abc"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await AdminCalls.ErrorOf(response);
        Assert.Equal("timeout_seconds: expected a number, got the string \"abc\"", error);

        var unknown = await _node.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout": 5}"""));
        Assert.Contains("timeout_seconds is required", await AdminCalls.ErrorOf(unknown));
        var extra = await _node.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout_seconds": 5, "timeuot": 1}"""));
        Assert.Equal("timeuot: unknown field; did you mean 'timeout_seconds'?", await AdminCalls.ErrorOf(extra));
        var fine = await _node.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout_seconds": "5"}"""));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        await _node.Admin.PutAsync("/admin/services/demo.hello/settings", AdminCalls.Json("""{"timeout_seconds": null}"""));
    }

    [Theory]
    [InlineData("channels")]
    [InlineData("admin")]
    public async Task Headers_too_large_are_answered_431_with_a_body_a_cid_and_a_log_line(string port)
    {
        var http = port == "channels" ? _node.Channels : _node.Admin;
        var request = new HttpRequestMessage(HttpMethod.Get, port == "channels" ? "/esb/ping" : "/admin/node");
        request.Headers.Add("X-Big", new string('x', 40_000));
        var response = await http.SendAsync(request);
        var error = await AdminCalls.AssertErrorAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge);
        Assert.StartsWith("the request's headers are 40,", error);
        Assert.EndsWith("bytes; at most 32,768 are accepted", error);
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();
        await LogLines.WaitForAsync(_node.LogFile, l => l.Contains($"431 cid={cid}"));

        var longUrl = await http.GetAsync("/esb/ping?q=" + new string('y', 9000));
        Assert.StartsWith("the URL is 9,", await AdminCalls.AssertErrorAsync(longUrl, HttpStatusCode.RequestUriTooLong));
    }
}
