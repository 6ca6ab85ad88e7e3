using System.Net;
using System.Text;
using System.Text.Json;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>The admin API calls tests make to set a node up, as a user does with curl or the CLI.</summary>
public static class AdminCalls
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/> and fails the test unless it succeeds.</summary>
    public static async Task<JsonElement> CreateAsync(this TestNode node, string path, string json)
    {
        var answer = await node.Api.SendAsync(HttpMethod.Post, path, json);
        Assert.True(answer.IsSuccess, $"POST {path} answered {answer.Status}: {answer.Text}");
        return answer.Text.Length == 0 ? default : JsonDocument.Parse(answer.Text).RootElement.Clone();
    }

    public static Task SetSecretAsync(this TestNode node, string definition, string secret) =>
        node.CreateAsync($"/admin/security/{Uri.EscapeDataString(definition)}/secret", JsonSerializer.Serialize(new { secret }));

    /// <summary>The "error" of an error body.</summary>
    public static async Task<string?> ErrorOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }

    /// <summary>Checks an error answer: its status, a JSON body with the error and the same cid as the header.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(response.Headers.GetValues("X-Esb-Cid").Single(), json.RootElement.GetProperty("cid").GetString());
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
