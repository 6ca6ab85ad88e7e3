using System.Text;
using System.Text.Json;
using Integrations.Admin;
using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>How HTTP-facing adapters answer: the service's JSON as is, or an error body; always with <c>X-Esb-Cid</c>.</summary>
public static class HttpAnswers
{
    /// <summary>The response header carrying the correlation id.</summary>
    public const string CidHeader = "X-Esb-Cid";

    // Errors are read by people too: quotes, '…' and <paths> stay as they are.
    private static readonly JsonSerializerOptions ErrorJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes a service's result.</summary>
    public static Task WriteAsync(HttpContext http, ServiceResult result) =>
        result.Status < 400 && result.Output is not null
            ? WriteJsonAsync(http, result.Status, result.Cid, result.Output ?? "null")
            : WriteErrorAsync(http, result.Status, result.Error ?? "failed", result.Cid);

    /// <summary>Writes an error body, <c>{"error": …, "status": …, "cid": …}</c>.</summary>
    /// <remarks>A 503 (the message bus or the database away) says when to try again: <c>Retry-After: 2</c>, unless set.</remarks>
    public static Task WriteErrorAsync(HttpContext http, int status, string error, string? cid)
    {
        if (status == 503 && !http.Response.HasStarted && !http.Response.Headers.ContainsKey("Retry-After")) http.Response.Headers.RetryAfter = "2";
        return WriteJsonAsync(http, status, cid, JsonSerializer.Serialize(new ErrorBody(error, status, cid), ErrorJson));
    }

    /// <summary>Writes a JSON text as it is.</summary>
    public static Task WriteJsonAsync(HttpContext http, int status, string? cid, string json)
    {
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        if (cid is not null) response.Headers[CidHeader] = cid;
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }
}
