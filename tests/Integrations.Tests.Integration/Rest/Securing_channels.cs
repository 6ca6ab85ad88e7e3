using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Integrations.Tests.Integration.Rest;

[Collection(ServersCollection.Name)]
public sealed class Securing_channels(Servers servers)
{
    private const string ApiKey = "k3y-9f8e7d6c5b4a";
    private const string Password = "pa55-word-zx81";
    private const string JwtKey = "0123456789abcdef0123456789abcdef-hs256-key";

    [Fact]
    public async Task One_service_serves_two_channels_with_two_kinds_of_security_and_no_secret_reaches_the_log()
    {
        await using var node = await TestNode.StartAsync(servers, "two-channels", isolated: true);
        await node.CreateAsync("/admin/security", """{"name":"key","type":"apikey","header":"X-Partner-Key"}""");
        await node.SetSecretAsync("key", ApiKey);
        await node.CreateAsync("/admin/security", """{"name":"basic","type":"basic_auth","username":"partner"}""");
        await node.SetSecretAsync("basic", Password);
        await node.CreateAsync("/admin/channels/rest", """{"name":"by key","service":"test.create","url_path":"/key/{id}","security":"key"}""");
        await node.CreateAsync("/admin/channels/rest", """{"name":"by password","service":"test.create","url_path":"/basic/{id}","security":"basic"}""");

        var byKey = new HttpRequestMessage(HttpMethod.Get, "/key/1");
        byKey.Headers.Add("X-Partner-Key", ApiKey);
        var keyAnswer = await node.Channels.SendAsync(byKey);
        Assert.Equal(HttpStatusCode.Created, keyAnswer.StatusCode);
        Assert.Contains("\"caller\":\"key\",\"channel\":\"by key\"", await keyAnswer.Content.ReadAsStringAsync());

        var byPassword = new HttpRequestMessage(HttpMethod.Get, "/basic/2");
        byPassword.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"partner:{Password}")));
        var passwordAnswer = await node.Channels.SendAsync(byPassword);
        Assert.Equal(HttpStatusCode.Created, passwordAnswer.StatusCode);
        Assert.Contains("\"caller\":\"partner\",\"channel\":\"by password\"", await passwordAnswer.Content.ReadAsStringAsync());

        // Each channel wants its own kind of credential.
        var keyOnBasic = new HttpRequestMessage(HttpMethod.Get, "/basic/3");
        keyOnBasic.Headers.Add("X-Partner-Key", ApiKey);
        var refused = await node.Channels.SendAsync(keyOnBasic);
        await AdminCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Basic realm=", refused.Headers.WwwAuthenticate.ToString());
        var wrongPassword = new HttpRequestMessage(HttpMethod.Get, "/basic/4");
        wrongPassword.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("partner:guess")));
        await AdminCalls.AssertErrorAsync(await node.Channels.SendAsync(wrongPassword), HttpStatusCode.Unauthorized);

        // An inactive definition suspends its channels.
        Assert.True((await node.Admin.PutAsync("/admin/security/key", AdminCalls.Json("""{"is_active": false}"""))).IsSuccessStatusCode);
        var suspended = new HttpRequestMessage(HttpMethod.Get, "/key/5");
        suspended.Headers.Add("X-Partner-Key", ApiKey);
        await AdminCalls.AssertErrorAsync(await node.Channels.SendAsync(suspended), HttpStatusCode.Forbidden);

        // The secrets are in no answer of the admin API and in no line of the log.
        var listed = await node.Admin.GetStringAsync("/admin/security");
        await Task.Delay(700); // the log writer flushes every 500 ms
        var log = await File.ReadAllTextAsync(node.LogFile);
        foreach (var secret in new[] { ApiKey, Password })
        {
            Assert.DoesNotContain(secret, listed);
            Assert.DoesNotContain(secret, log);
        }
    }

    [Fact]
    public async Task Jwt_channels_take_valid_tokens_and_refuse_expired_foreign_or_tampered_ones()
    {
        await using var node = await TestNode.StartAsync(servers, "jwt", isolated: true);
        await node.CreateAsync("/admin/security", """{"name":"hs","type":"jwt","algorithm":"HS256","issuer":"https://issuer.example.com","audience":"esb"}""");
        await node.SetSecretAsync("hs", JwtKey);
        using var rsa = RSA.Create(2048);
        await node.CreateAsync("/admin/security", """{"name":"rs","type":"jwt","algorithm":"RS256","audience":"esb"}""");
        await node.SetSecretAsync("rs", rsa.ExportSubjectPublicKeyInfoPem());
        await node.CreateAsync("/admin/channels/rest", """{"name":"hs channel","service":"test.create","url_path":"/hs/{id}","security":"hs"}""");
        await node.CreateAsync("/admin/channels/rest", """{"name":"rs channel","service":"test.create","url_path":"/rs/{id}","security":"rs"}""");

        var hsKey = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtKey)), SecurityAlgorithms.HmacSha256);
        var rsKey = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);

        Assert.Contains("\"caller\":\"alice\"", await Call(node, "/hs/1", Token(hsKey, "https://issuer.example.com", "esb", TimeSpan.FromMinutes(5)), HttpStatusCode.Created));
        Assert.Contains("\"caller\":\"alice\"", await Call(node, "/rs/1", Token(rsKey, null, "esb", TimeSpan.FromMinutes(5)), HttpStatusCode.Created));

        Assert.Contains("expired", await Call(node, "/hs/2", Token(hsKey, "https://issuer.example.com", "esb", TimeSpan.FromMinutes(-5)), HttpStatusCode.Unauthorized));
        Assert.Contains("wrong audience", await Call(node, "/hs/3", Token(hsKey, "https://issuer.example.com", "someone-else", TimeSpan.FromMinutes(5)), HttpStatusCode.Unauthorized));
        Assert.Contains("wrong issuer", await Call(node, "/hs/4", Token(hsKey, "https://evil.example.com", "esb", TimeSpan.FromMinutes(5)), HttpStatusCode.Unauthorized));
        Assert.Contains("bad signature", await Call(node, "/rs/2", Token(hsKey, null, "esb", TimeSpan.FromMinutes(5)), HttpStatusCode.Unauthorized));
        var tampered = Token(hsKey, "https://issuer.example.com", "esb", TimeSpan.FromMinutes(5));
        tampered = tampered[..^4] + (tampered[^4] == 'A' ? "BBBB" : "AAAA");
        await Call(node, "/hs/5", tampered, HttpStatusCode.Unauthorized);

        // A change must leave the definition usable: its secret must suit a new algorithm, and a definition a channel
        // checks callers with cannot become one that only outgoing connections can use.
        var algorithm = await node.Admin.PutAsync("/admin/security/hs", AdminCalls.Json("""{"algorithm":"RS256"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, algorithm.StatusCode);
        Assert.Contains("RS256 key must be", await algorithm.Content.ReadAsStringAsync());
        var type = await node.Admin.PutAsync("/admin/security/hs", AdminCalls.Json("""{"type":"oauth","token_url":"http://127.0.0.1:1/token","client_id":"c"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, type.StatusCode);
        Assert.Contains("uses it as its security, and it is an oauth definition, which outgoing connections present", await type.Content.ReadAsStringAsync());
        Assert.Contains("\"caller\":\"alice\"", await Call(node, "/hs/6", Token(hsKey, "https://issuer.example.com", "esb", TimeSpan.FromMinutes(5)), HttpStatusCode.Created));

        // A key too short for HS256 is refused when it is set, not when a token arrives.
        var weak = await node.Admin.PostAsync("/admin/security/hs/secret", AdminCalls.Json("""{"secret":"short"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("at least 32 bytes", await weak.Content.ReadAsStringAsync());
    }

    private static async Task<string> Call(TestNode node, string path, string token, HttpStatusCode expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await node.Channels.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    private static string Token(SigningCredentials key, string? issuer, string audience, TimeSpan expiresIn)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            NotBefore = now.AddMinutes(-10),
            IssuedAt = now.AddMinutes(-10),
            Expires = now + expiresIn,
            SigningCredentials = key,
        });
    }
}
