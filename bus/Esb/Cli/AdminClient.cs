using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integrations.Adapters.Admin;
using Integrations.Bus.Edge;

namespace Integrations.Esb.Cli;

/// <summary>How the CLI talks to a node's admin API: the address, the admin login, and errors a person can act on.</summary>
internal sealed class AdminClient(string url, string password, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = timeout };

    public string Url => url;

    /// <summary>Makes a client from the common options, or prints why it cannot and returns null.</summary>
    public static AdminClient? From(string url, string dataDirectory, TimeSpan timeout, string command)
    {
        var password = Env.Get("ESB_ADMIN_PASSWORD") ?? ReadPasswordFile(dataDirectory);
        if (password is not null) return new AdminClient(url, password, timeout);
        Console.Error.WriteLine($"esb {command}: no admin password: set ESB_ADMIN_PASSWORD, or run from the folder where the node keeps .esb/admin-password (or pass --data-dir).");
        return null;
    }

    /// <summary>Sends a request; the answer's status, body and cid, or null after printing why the node could not be reached.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? Cid)?> SendAsync(HttpMethod method, string path, string? body, string command,
        CancellationToken cancellation, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminCredentials.UserName}:{password}")));
        request.Headers.UserAgent.ParseAdd($"esb/{VersionCommand.Version}");
        try
        {
            using var response = await _http.SendAsync(request, cancellation);
            var text = await response.Content.ReadAsStringAsync(cancellation);
            var cid = response.Headers.TryGetValues(HttpAnswers.CidHeader, out var values) ? values.FirstOrDefault() : null;
            return (response.StatusCode, text, cid);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"esb {command}: cannot reach the admin API at {url} ({e.Message}). Is a node running? ./run.sh starts one.");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"esb {command}: no answer from {url} within {_http.Timeout.TotalSeconds:0} s (--timeout to wait longer).");
        }
        return null;
    }

    /// <summary>Prints a failed answer on stderr: status, the error (and each field's), the cid.</summary>
    public static int Failed(string command, HttpStatusCode status, string body, string? cid)
    {
        if (status == HttpStatusCode.Unauthorized)
        {
            Console.Error.WriteLine($"esb {command}: the admin API refused the password: set ESB_ADMIN_PASSWORD to the admin password of that node's cluster.");
            return 1;
        }
        var message = body;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error)) message = error.GetString() ?? body;
        }
        catch (JsonException)
        {
        }
        Console.Error.WriteLine($"esb {command}: {(int)status} {message}{(cid is null ? "" : $" (cid={cid})")}");
        return 1;
    }

    /// <summary>Prints JSON indented, for people.</summary>
    public static void PrintPretty(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            Console.WriteLine(JsonSerializer.Serialize(document.RootElement, Pretty));
        }
        catch (JsonException)
        {
            Console.WriteLine(json);
        }
    }

    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string? ReadPasswordFile(string dataDirectory)
    {
        var file = AdminCredentials.PasswordFile(dataDirectory);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public void Dispose() => _http.Dispose();
}
