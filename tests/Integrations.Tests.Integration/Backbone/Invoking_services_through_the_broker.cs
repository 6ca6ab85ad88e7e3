using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Backbone;

[Collection(ServersCollection.Name)]
public sealed class Invoking_services_through_the_broker(Servers servers) : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(servers, "invoke-node");
    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Demo_hello_greets_by_name_through_the_broker_and_answers_with_a_cid()
    {
        var response = await _node.InvokeAsync("demo.hello", "name=Mike");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"greeting":"Howdy Mike!"}""", await response.Content.ReadAsStringAsync());
        Assert.Matches("^[0-9a-v]{20}$", response.Headers.GetValues("X-Esb-Cid").Single());
    }

    [Fact]
    public async Task Json_parameters_mean_the_same_as_key_value_lines()
    {
        var response = await _node.InvokeAsync("demo.hello", """{"name": "Mike"}""");
        Assert.Equal("""{"greeting":"Howdy Mike!"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("""{"greeting":"Howdy partner!"}""", await (await _node.InvokeAsync("demo.hello")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_service_is_a_404_at_once_not_a_timeout()
    {
        // The first request of a fresh node pays for loading code; what is measured is that no one waits for a deadline.
        await _node.InvokeAsync("nobody.home.yet");
        var clock = Stopwatch.StartNew();
        var response = await _node.InvokeAsync("nobody.home");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal("no service named 'nobody.home'", await ErrorOf(response));
    }

    [Fact]
    public async Task Missing_required_fields_are_a_400_naming_them()
    {
        var response = await _node.InvokeAsync("test.order", "note=urgent");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("missing required fields: customer, quantity", await ErrorOf(response));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_saying_where()
    {
        var response = await _node.InvokeAsync("test.order", "{\"customer\": \"ACME\",\n \"quantity\": }");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("parameters: malformed JSON at line 2, position 14", await ErrorOf(response));
    }

    [Fact]
    public async Task A_throwing_service_is_a_500_with_the_cid_and_no_stack_trace()
    {
        var response = await _node.InvokeAsync("test.fail");
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains($"cid={cid}", body);
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain(" at Integrations", body);

        var line = await LogLines.WaitForAsync(_node.LogFile, l => l.Contains($"cid={cid}") && l.Contains(" ERR "));
        Assert.Contains("InvalidOperationException", line);
        Assert.Contains("at Integrations.Tests.Integration.Infrastructure.Fail.Handle", line);
    }

    [Fact]
    public async Task A_call_past_its_deadline_is_a_504()
    {
        await _node.Admin.PutAsync("/admin/services/test.sleep/settings", Json("""{"timeout_seconds": 0.5}"""));
        try
        {
            var clock = Stopwatch.StartNew();
            var response = await _node.InvokeAsync("test.sleep", "milliseconds=5000");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
            // Whichever gives up first, the worker at the deadline or the caller's timeout, the answer names the service.
            Assert.StartsWith("test.sleep did not", await ErrorOf(response));
        }
        finally
        {
            await _node.Admin.PutAsync("/admin/services/test.sleep/settings", Json("""{"timeout_seconds": null}"""));
        }
    }

    [Fact]
    public async Task InvokeAsync_leaves_a_durable_call_that_another_service_runs_under_the_same_cid()
    {
        var token = Guid.NewGuid().ToString("N");
        var response = await _node.InvokeAsync("test.hand-off", $"token={token}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!RecordToken.Seen.ContainsKey(token) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(cid, RecordToken.Seen[token]);
    }

    [Fact]
    public async Task The_call_is_in_the_log_under_its_cid_naming_the_channel_and_the_service()
    {
        var response = await _node.InvokeAsync("demo.hello", "name=Log");
        var cid = response.Headers.GetValues("X-Esb-Cid").Single();

        Assert.Contains("invoke demo.hello", await LogLines.WaitForAsync(_node.LogFile, l => l.Contains($"admin → cid={cid};")));
        Assert.Contains("[demo.hello]", await LogLines.WaitForAsync(_node.LogFile, l => l.Contains($"cid={cid} Greeting Log")));
        Assert.Contains("200 time=", await LogLines.WaitForAsync(_node.LogFile, l => l.Contains($"admin ← cid={cid};")));
    }

    [Fact]
    public async Task The_admin_api_refuses_a_wrong_password()
    {
        using var stranger = new HttpClient { BaseAddress = _node.Admin.BaseAddress };
        stranger.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("admin:guess"u8.ToArray()));
        var response = await stranger.PostAsync("/admin/services/demo.hello/invoke", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new HttpClient().GetAsync(new Uri(_node.Admin.BaseAddress!, "/admin/services"))).StatusCode);
    }

    [Fact]
    public async Task The_admin_api_refuses_pages_of_other_sites_and_settings_with_a_typo()
    {
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/admin/services/demo.hello/invoke") { Content = new StringContent("name=x") };
        foreign.Headers.Add("Origin", "https://evil.example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await _node.Admin.SendAsync(foreign)).StatusCode);

        var typo = await _node.Admin.PutAsync("/admin/services/demo.hello/settings", Json("""{"timeout": 5}"""));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("timeout_seconds", await ErrorOf(typo));
    }

    [Fact]
    public async Task The_admin_api_lists_the_services_with_their_required_input()
    {
        using var json = JsonDocument.Parse(await _node.Admin.GetStringAsync("/admin/services"));
        var order = json.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "test.order");
        Assert.Equal(["customer", "quantity"], order.GetProperty("required_input").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(json.RootElement.EnumerateArray(), s => s.GetProperty("name").GetString() == "demo.hello" && s.GetProperty("origin").GetString() == "built-in");
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<string?> ErrorOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
