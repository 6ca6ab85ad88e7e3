using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Rest;

/// <summary>TUTORIAL.md steps 3–7 through the admin API, on a real broker and database.</summary>
[Collection(ServersCollection.Name)]
public sealed class The_tutorial_end_to_end(Servers servers)
{
    [Fact]
    public async Task Connections_api_key_and_channel_give_the_merged_answer_and_the_log_tells_the_story()
    {
        await using var node = await TestNode.StartAsync(servers, "tutorial", isolated: true, demo: true);
        var address = node.Options.ChannelsUrl;

        // Step 3: two outgoing connections, pinged from the server.
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"CRM","address":"{{address}}","url_path":"/tutorial/api/get-user","data_format":"json"}""");
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Billing","address":"{{address}}","url_path":"/tutorial/api/balance/get","data_format":"json"}""");
        foreach (var name in new[] { "CRM", "Billing" })
        {
            var ping = await node.Api.PingRestAsync(name);
            Assert.True(ping.Ok, ping.ToString());
            Assert.Equal(200, ping.Status);
        }

        // Step 5: an API key, random at first, changed to abc; the secret never comes back.
        var created = await node.CreateAsync("/admin/security", """{"name":"My API Key","type":"apikey"}""");
        Assert.False(created.TryGetProperty("secret_cipher", out _));
        await node.SetSecretAsync("My API Key", "abc");
        Assert.DoesNotContain("secret", await node.Admin.GetStringAsync("/admin/security/My%20API%20Key"));

        // Step 6: the channel.
        await node.CreateAsync("/admin/channels/rest",
            """{"name":"My REST Channel","service":"tutorial.get-user-details","security":"My API Key","url_path":"/tutorial/api/get-user-details","data_format":"json"}""");

        var request = new HttpRequestMessage(HttpMethod.Get, "/tutorial/api/get-user-details");
        request.Headers.Add("X-API-Key", "abc");
        request.Headers.UserAgent.ParseAdd("curl/8.0");
        var response = await node.Channels.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("RGV", answer.RootElement.GetProperty("user_type").GetString());
            Assert.Equal("123456", answer.RootElement.GetProperty("account_no").GetString());
            Assert.Equal("357.9", answer.RootElement.GetProperty("account_balance").GetString());
            Assert.Equal(3, answer.RootElement.EnumerateObject().Count());
        }
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();

        // A wrong or missing key gets 401, and nothing runs.
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/tutorial/api/get-user-details");
        wrong.Headers.Add("X-API-Key", "abd");
        var refused = await node.Channels.SendAsync(wrong);
        Assert.Equal("a valid API key is required in the X-API-Key header", await AdminCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized));
        var refusedCid = refused.Headers.GetValues("X-Esb-Cid").Single();
        await AdminCalls.AssertErrorAsync(await node.Channels.GetAsync("/tutorial/api/get-user-details"), HttpStatusCode.Unauthorized);

        // Step 7: the log, all under one cid.
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST cha → cid={cid}; GET /tutorial/api/get-user-details name=My REST Channel; len=0; agent=curl/8.0; remote-addr=127.0.0.1"));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST out → cid={cid}; GET; name:CRM; params={{'UserName': 'partner'}}"));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST out ← cid={cid}; 200 time="));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST out → cid={cid}; POST; name:Billing; params={{'USER': 'partner'}}"));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"cid={cid} Returning user details for partner"));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST cha ← cid={cid}; 200 time="));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST cha ← cid={refusedCid}; 401"));
        Assert.DoesNotContain(File.ReadLines(node.LogFile), l => l.Contains($"cid={refusedCid}") && l.Contains("REST out"));
    }

    [Fact]
    public async Task The_name_parameter_reaches_the_systems()
    {
        await using var node = await TestNode.StartAsync(servers, "tutorial-mike", isolated: true, demo: true);
        var address = node.Options.ChannelsUrl;
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"CRM","address":"{{address}}","url_path":"/tutorial/api/get-user"}""");
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Billing","address":"{{address}}","url_path":"/tutorial/api/balance/get"}""");

        var response = await node.InvokeAsync("tutorial.get-user-details", "name=Mike");
        Assert.Equal("""{"user_type":"RGV","account_no":"123456","account_balance":"357.9"}""", await response.Content.ReadAsStringAsync());
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains($"REST out → cid={cid}; GET; name:CRM; params={{'UserName': 'Mike'}}"));
    }
}
