using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Integrations.Tests.Integration.Rest;

[Collection(ServersCollection.Name)]
public sealed class Calling_systems_with_oauth(Servers servers)
{
    private const string ClientSecret = "cl1ent-s3cret-771";

    /// <summary>A token endpoint and an API that wants its tokens, as an OAuth-protected partner system has.</summary>
    private sealed class PartnerSystem
    {
        private int _issued;
        public ConcurrentDictionary<string, bool> Valid { get; } = new();
        public int TokensIssued => _issued;

        public void Map(WebApplication app, int lifetimeSeconds)
        {
            app.MapPost("/token", async (HttpContext http) =>
            {
                var form = await http.Request.ReadFormAsync();
                if (form["grant_type"] != "client_credentials" || form["client_id"] != "esb-client" || form["client_secret"] != ClientSecret || form["scope"] != "read")
                    return Results.Json(new { error = "invalid_client" }, statusCode: 401);
                var token = $"tok-{Interlocked.Increment(ref _issued)}";
                Valid[token] = true;
                return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = lifetimeSeconds });
            });
            app.MapGet("/api/data", (HttpContext http) =>
            {
                var token = http.Request.Headers.Authorization.ToString().Replace("Bearer ", "");
                return Valid.ContainsKey(token) ? Results.Json(new { token }) : Results.StatusCode(401);
            });
        }
    }

    [Fact]
    public async Task A_token_is_fetched_once_shared_refreshed_before_expiry_and_replaced_after_a_401()
    {
        var partner = new PartnerSystem();
        await using var server = await TestHttpServer.StartAsync(app => partner.Map(app, lifetimeSeconds: 3));
        await using var node = await TestNode.StartAsync(servers, "oauth", isolated: true);
        await ConnectPartnerAsync(node, server, ClientSecret);

        // Three calls, one token.
        for (var i = 0; i < 3; i++) Assert.Equal("tok-1", await TokenUsed(node));
        Assert.Equal(1, partner.TokensIssued);

        // Refreshed ahead of its expiry (3 s, refreshed in the last 1.5 s).
        await Task.Delay(TimeSpan.FromSeconds(1.8));
        Assert.Equal("tok-2", await TokenUsed(node));
        Assert.Equal(2, partner.TokensIssued);

        // Revoked early: the system answers 401, the node fetches a new token and tries once more.
        partner.Valid.TryRemove("tok-2", out _);
        Assert.Equal("tok-3", await TokenUsed(node));
        Assert.Equal(3, partner.TokensIssued);

        await Task.Delay(700);
        Assert.DoesNotContain(ClientSecret, await File.ReadAllTextAsync(node.LogFile));
    }

    [Fact]
    public async Task A_refused_client_is_a_502_that_says_so()
    {
        var partner = new PartnerSystem();
        await using var server = await TestHttpServer.StartAsync(app => partner.Map(app, lifetimeSeconds: 60));
        await using var node = await TestNode.StartAsync(servers, "oauth-refused", isolated: true);
        await ConnectPartnerAsync(node, server, secret: null);

        var response = await node.InvokeAsync("test.call-out", "connection=Partner");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("the token endpoint refused the client: 401", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The OAuth definition and the connection "Partner" that presents it; without a secret, the random one stays.</summary>
    private static async Task ConnectPartnerAsync(TestNode node, TestHttpServer server, string? secret)
    {
        await node.CreateAsync("/admin/security",
            $$"""{"name":"partner oauth","type":"oauth","token_url":"{{server.Url}}/token","client_id":"esb-client","scopes":"read"}""");
        if (secret is not null) await node.SetSecretAsync("partner oauth", secret);
        await node.CreateAsync("/admin/outgoing/rest", $$"""{"name":"Partner","address":"{{server.Url}}","url_path":"/api/data","security":"partner oauth"}""");
    }

    private static async Task<string> TokenUsed(TestNode node)
    {
        var response = await node.InvokeAsync("test.call-out", "connection=Partner");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(200, json.RootElement.GetProperty("status").GetInt32());
        using var text = JsonDocument.Parse(json.RootElement.GetProperty("text").GetString()!);
        return text.RootElement.GetProperty("token").GetString()!;
    }
}
