using System.Net;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Rest;

/// <summary>Every status a REST channel answers with, each a JSON error with the cid.</summary>
[Collection(ServersCollection.Name)]
public sealed class Rest_channel_answers(Servers servers) : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(servers, "rest-answers", isolated: true);
        await _node.CreateAsync("/admin/channels/rest", """{"name":"orders","service":"test.order","url_path":"/orders/{customer}","method":"POST","max_body_bytes":200,"cors_origins":["https://shop.example.com"]}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"form orders","service":"test.order","url_path":"/form-orders","data_format":"form"}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"fail","service":"test.fail","url_path":"/fail"}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"slow","service":"test.sleep","url_path":"/slow","timeout_seconds":0.3}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"limited","service":"demo.hello","url_path":"/limited","rate_limit":"2/s"}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"create","service":"test.create","url_path":"/things/{id}","method":"PUT"}""");
        await _node.CreateAsync("/admin/channels/rest", """{"name":"call out","service":"test.call-out","url_path":"/call-out"}""");
        await _node.CreateAsync("/admin/outgoing/rest", """{"name":"Dead","address":"http://127.0.0.1:1","retries":0}""");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json",
        Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        configure?.Invoke(request);
        return _node.Channels.SendAsync(request);
    }

    [Fact]
    public async Task Input_merges_query_body_and_path_and_the_path_wins()
    {
        var response = await Send(HttpMethod.Post, "/orders/ACME?note=rush&customer=ignored", """{"quantity": 2, "customer": "also ignored"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ACME", json.RootElement.GetProperty("customer").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Form_data_is_input_too()
    {
        var response = await Send(HttpMethod.Post, "/form-orders", "customer=ACME&quantity=3", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"quantity\":3", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_service_sets_the_status_and_headers()
    {
        var response = await Send(HttpMethod.Put, "/things/42");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/things/42", response.Headers.Location?.ToString());
        Assert.Contains("\"channel\":\"create\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Missing_fields_are_400() =>
        Assert.Equal("missing required field: quantity",
            await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Post, "/orders/ACME", "{}"), HttpStatusCode.BadRequest));

    [Fact]
    public async Task Malformed_json_is_400_saying_where() =>
        Assert.StartsWith("malformed JSON at line 1, position 15",
            await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Post, "/orders/ACME", """{"quantity": 2"""), HttpStatusCode.BadRequest));

    [Fact]
    public async Task A_key_given_twice_is_400_not_500() =>
        Assert.Equal("quantity: is given twice", await AdminCalls.AssertErrorAsync(
            await Send(HttpMethod.Post, "/orders/ACME", """{"quantity": 1, "quantity": 2}"""), HttpStatusCode.BadRequest));

    [Fact]
    public async Task A_disallowed_origin_is_403_and_an_allowed_one_gets_cors_headers()
    {
        await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Post, "/orders/ACME", """{"quantity": 1}""",
            configure: r => r.Headers.Add("Origin", "https://evil.example.com")), HttpStatusCode.Forbidden);

        var preflight = await Send(HttpMethod.Options, "/orders/ACME", configure: r =>
        {
            r.Headers.Add("Origin", "https://shop.example.com");
            r.Headers.Add("Access-Control-Request-Method", "POST");
        });
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("https://shop.example.com", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task An_unknown_path_is_404() =>
        await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Get, "/no/such/channel"), HttpStatusCode.NotFound);

    [Fact]
    public async Task Another_method_is_405_with_allow()
    {
        var response = await Send(HttpMethod.Get, "/orders/ACME");
        await AdminCalls.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var big = JsonSerializer.Serialize(new { quantity = 1, note = new string('x', 300) });
        await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Post, "/orders/ACME", big), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_of_another_format_is_415() =>
        Assert.Contains("takes JSON", await AdminCalls.AssertErrorAsync(
            await Send(HttpMethod.Post, "/orders/ACME", "quantity=1", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType));

    [Fact]
    public async Task Too_many_calls_are_429_with_retry_after_and_the_channel_recovers()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) answers.Add(await Send(HttpMethod.Get, "/limited"));
        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        Assert.Equal(HttpStatusCode.OK, answers[1].StatusCode);
        await AdminCalls.AssertErrorAsync(answers[2], HttpStatusCode.TooManyRequests);
        Assert.True(answers[2].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/limited")).StatusCode);
    }

    [Fact]
    public async Task A_failing_service_is_500_without_details() =>
        Assert.DoesNotContain("hunter2", await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Get, "/fail"), HttpStatusCode.InternalServerError));

    [Fact]
    public async Task A_failing_outgoing_system_is_502_naming_it() =>
        Assert.Equal("Dead: refused: nothing listens on 127.0.0.1:1",
            await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Get, "/call-out?connection=Dead"), HttpStatusCode.BadGateway));

    [Fact]
    public async Task A_slow_service_is_504_at_the_channel_timeout() =>
        await AdminCalls.AssertErrorAsync(await Send(HttpMethod.Get, "/slow?milliseconds=3000"), HttpStatusCode.GatewayTimeout);

    [Fact]
    public async Task A_bad_channel_is_refused_naming_each_field_and_nothing_is_stored()
    {
        var response = await _node.Admin.PostAsync("/admin/channels/rest", AdminCalls.Json(
            """{"name":"bad","service":"nope","url_path":"/orders/{x}","method":"FETCH","rate_limit":"lots","cors_origins":["shop.example.com"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["service", "url_path", "method", "rate_limit", "cors_origins"],
            json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Admin.GetAsync("/admin/channels/rest/bad")).StatusCode);

        var typo = await _node.Admin.PostAsync("/admin/channels/rest", AdminCalls.Json("""{"name":"typo","service":"demo.hello","url_pth":"/typo"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("url_pth: unknown field", await typo.Content.ReadAsStringAsync());
    }
}
