using Microsoft.AspNetCore.Http;

namespace Integrations.DemoSystems;

/// <summary>
/// The tutorial's two outside systems, served by the node on the channel port so the tutorial needs nothing else:
/// CRM answers <c>GET /tutorial/api/get-user?UserName=…</c>, Billing answers <c>POST /tutorial/api/balance/get?USER=…</c>.
/// </summary>
public static class TutorialSystems
{
    private static readonly byte[] User = """{"UserType":"RGV","AccountNumber":"123456"}"""u8.ToArray();
    private static readonly byte[] Balance = """{"ACC_BALANCE":"357.9"}"""u8.ToArray();

    /// <summary>Method, path and handler of each endpoint.</summary>
    public static IReadOnlyList<(string Method, string Path, RequestDelegate Handle)> Endpoints { get; } =
    [
        ("GET", "/tutorial/api/get-user", http => Answer(http, User)),
        ("HEAD", "/tutorial/api/get-user", http => Answer(http, User)),
        ("POST", "/tutorial/api/balance/get", http => Answer(http, Balance)),
        ("HEAD", "/tutorial/api/balance/get", http => Answer(http, Balance)),
    ];

    private static Task Answer(HttpContext http, byte[] json)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = json.Length;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.Body.WriteAsync(json).AsTask();
    }
}
