using System.Net;
using System.Text.Json;
using Integrations.Adapters.Admin;
using Integrations.Admin;

namespace Integrations.Esb.Cli;

/// <summary>
/// A CLI command's session with a node's admin API: the one admin client (<see cref="AdminApiClient"/>) with the admin
/// login, and what the command prints — answers for people, errors a person can act on.
/// </summary>
/// <param name="passwordFile">The data directory's admin-password file.</param>
/// <param name="fromFile">Whether the password was read from that file rather than from ESB_ADMIN_PASSWORD.</param>
internal sealed class AdminSession(string url, string password, string passwordFile, bool fromFile, TimeSpan timeout) : IDisposable
{
    private const string PasswordVariable = "ESB_ADMIN_PASSWORD";

    private readonly AdminApiClient _api = AdminApiClient.WithPassword(url, password, timeout, $"esb/{VersionCommand.Version}");

    public string Url => url;

    /// <summary>Makes a client from the common options, or prints why it cannot and returns null.</summary>
    public static AdminSession? From(string url, string dataDirectory, TimeSpan timeout, string command)
    {
        var file = AdminCredentials.PasswordFile(dataDirectory);
        if (Env.Get(PasswordVariable) is { } given) return new AdminSession(url, given, file, fromFile: false, timeout);
        if (File.Exists(file)) return new AdminSession(url, File.ReadAllText(file).Trim(), file, fromFile: true, timeout);
        Console.Error.WriteLine($"esb {command}: no admin password: set {PasswordVariable}, or run from the folder where the node keeps .esb/admin-password (or pass --data-dir).");
        return null;
    }

    /// <summary>Sends a request; the answer's status, body and cid, or null after printing why the node could not be reached.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? Cid)?> SendAsync(HttpMethod method, string path, string? body, string command,
        CancellationToken cancellation, string contentType = "application/json")
    {
        try
        {
            var answer = await _api.SendAsync(method, path, body, contentType, cancellation);
            return ((HttpStatusCode)answer.Status, answer.Text, answer.Cid);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"esb {command}: cannot reach the admin API at {url} ({e.Message}). Is a node running? ./run.sh starts one.");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"esb {command}: no answer from {url} within {_api.Timeout.TotalSeconds:0} s (--timeout to wait longer).");
        }
        return null;
    }

    /// <summary>Makes a typed call (<paramref name="call"/>); its answer, or null after printing why there is none.</summary>
    public async Task<T?> CallAsync<T>(Func<AdminApiClient, CancellationToken, Task<T>> call, string command, CancellationToken cancellation) where T : class
    {
        try
        {
            return await call(_api, cancellation);
        }
        catch (AdminApiException e)
        {
            Failed(command, (HttpStatusCode)e.Answer.Status, e.Answer.Text, e.Answer.Cid);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"esb {command}: cannot reach the admin API at {url} ({e.Message}). Is a node running? ./run.sh starts one.");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"esb {command}: no answer from {url} within {_api.Timeout.TotalSeconds:0} s (--timeout to wait longer).");
        }
        return null;
    }

    /// <summary>Sends a change and says in one line what was done (or prints the admin API's answer with --json).</summary>
    public async Task<int> ConfirmAsync(HttpMethod method, string path, string? body, string command, bool json,
        Func<System.Text.Json.Nodes.JsonNode?, string> done, CancellationToken ct)
    {
        var answer = await SendAsync(method, path, body, command, ct);
        if (answer is not { } a) return 1;
        if ((int)a.Status >= 400) return Failed(command, a.Status, a.Body, a.Cid);
        if (json) PrintPretty(a.Body);
        else Console.WriteLine(done(a.Body.Length == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(a.Body)));
        return 0;
    }

    /// <summary>Sends a request and prints the answer's JSON indented (nothing for 204); a failure on stderr.</summary>
    public async Task<int> PrintAsync(HttpMethod method, string path, string? body, string command, CancellationToken cancellation)
    {
        var answer = await SendAsync(method, path, body, command, cancellation);
        if (answer is not { } a) return 1;
        if ((int)a.Status >= 400) return Failed(command, a.Status, a.Body, a.Cid);
        if (a.Status != HttpStatusCode.NoContent) PrintPretty(a.Body);
        return 0;
    }

    /// <summary>
    /// GETs what a command shows a person: the answer, parsed, and exit code 0; or, with <paramref name="asJson"/>, the
    /// answer printed as it came; or the failure said on stderr — in both, no answer and the exit code to end with.
    /// </summary>
    public async Task<(System.Text.Json.Nodes.JsonNode? Answer, int Code)> ReadAsync(string path, string command, bool asJson, CancellationToken cancellation)
    {
        if (asJson) return (null, await PrintAsync(HttpMethod.Get, path, null, command, cancellation));
        var answer = await SendAsync(HttpMethod.Get, path, null, command, cancellation);
        if (answer is not { } a) return (null, 1);
        if ((int)a.Status >= 400) return (null, Failed(command, a.Status, a.Body, a.Cid));
        return (System.Text.Json.Nodes.JsonNode.Parse(a.Body), 0);
    }

    /// <summary>Prints a failed answer on stderr: status, the error (and each field's), the cid.</summary>
    public int Failed(string command, HttpStatusCode status, string body, string? cid)
    {
        if (status == HttpStatusCode.Unauthorized)
        {
            // Two nodes of two clusters on one machine is the usual cause: the password is right, for the other cluster.
            Console.Error.WriteLine(!fromFile
                ? $"esb {command}: the admin API at {url} refused the password from {PasswordVariable}.\n" +
                  $"The node at that address belongs to a cluster with another admin password. Set {PasswordVariable} to that cluster's admin password, " +
                  $"or unset it to use {passwordFile}, where the first node of a cluster started without it keeps the one it made (--data-dir)."
                : $"esb {command}: the admin API at {url} refused the password from {passwordFile}.\n" +
                  "That file holds the admin password of the cluster whose first node wrote it; the node at that address belongs to another " +
                  $"(another --schema or another checkout). Set {PasswordVariable} to that cluster's admin password, or point --data-dir at its data folder.");
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

    public void Dispose() => _api.Dispose();
}
