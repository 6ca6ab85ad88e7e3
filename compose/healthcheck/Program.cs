// GET /health/ready from the node in this container, on the port its roles serve: the channel port for an edge node,
// else the admin port for a dashboard node. Roles and addresses come from the same ESB_* variables esb serve reads,
// with esb serve's defaults. A node with neither role serves no HTTP: there is nothing to ask, and it counts as healthy
// while its container runs. Exit code 0: healthy; 1: not.

var roles = (Environment.GetEnvironmentVariable("ESB_ROLES") is { Length: > 0 } r ? r : "all")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(role => role.ToLowerInvariant())
    .ToHashSet();
string? url = null;
if (roles.Contains("all") || roles.Contains("edge")) url = Setting("ESB_CHANNELS_URL", "http://127.0.0.1:17010");
else if (roles.Contains("dashboard")) url = Setting("ESB_ADMIN_URL", "http://127.0.0.1:8183");
if (url is null)
{
    Console.WriteLine($"roles {string.Join(',', roles)} serve no HTTP: nothing to probe");
    return 0;
}

if (!Uri.TryCreate(url, UriKind.Absolute, out var listen))
{
    Console.WriteLine($"'{url}' is not an address");
    return 1;
}
// The node listens on every interface (0.0.0.0, [::]) or on one name: ask it here, on the loopback, for the former.
var host = listen.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "127.0.0.1" : listen.Host;
var probe = new UriBuilder(listen.Scheme, host, listen.Port, "/health/ready").Uri;
using var http = new HttpClient(new SocketsHttpHandler
{
    // The node's certificate names the host callers use, not the loopback.
    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
}) { Timeout = TimeSpan.FromSeconds(4) };
try
{
    using var answer = await http.GetAsync(probe);
    var body = await answer.Content.ReadAsStringAsync();
    Console.WriteLine($"{(int)answer.StatusCode} {probe}: {body}");
    return answer.IsSuccessStatusCode ? 0 : 1;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
{
    Console.WriteLine($"{probe}: {e.Message}");
    return 1;
}

static string Setting(string variable, string fallback) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
