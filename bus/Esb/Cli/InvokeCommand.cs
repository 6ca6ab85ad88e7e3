using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integrations.Adapters.Admin;
using Integrations.Bus.Edge;

namespace Integrations.Esb.Cli;

internal static class InvokeCommand
{
    public static Command Create()
    {
        var service = new Argument<string>("service") { Description = "The service's name, e.g. demo.hello." };
        var parameters = new Argument<string[]>("parameters")
        {
            Description = "The input: key=value pairs (name=Mike), or one JSON object ('{\"name\":\"Mike\"}').",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var url = new Option<string>("--url")
        {
            Description = "The admin API of a node (env ESB_ADMIN_URL).",
            DefaultValueFactory = _ => Env.Or("ESB_ADMIN_URL", "http://127.0.0.1:8183"),
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Where the node keeps its generated admin password, read when ESB_ADMIN_PASSWORD is not set (env ESB_DATA_DIR).",
            DefaultValueFactory = _ => Env.Or("ESB_DATA_DIR", ".esb"),
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the answer.",
            DefaultValueFactory = _ => 100,
        };

        var command = new Command("invoke", """
            Invoke a service through a node's admin API and print its JSON answer.
            Examples:
              esb invoke demo.hello
              esb invoke demo.hello name=Mike
              esb invoke demo.hello '{"name": "Mike"}'
            """)
        {
            service, parameters, url, dataDir, timeout,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var args = parse.GetValue(parameters) ?? [];
            var text = args is [var single] && single.TrimStart().StartsWith('{') ? single : string.Join('\n', args);
            if (!InvokeParameters.TryParse(text, out var input, out var error))
            {
                Console.Error.WriteLine($"esb invoke: {error}");
                return 2;
            }
            var password = Env.Get("ESB_ADMIN_PASSWORD") ?? ReadPasswordFile(parse.GetValue(dataDir)!);
            if (password is null)
            {
                Console.Error.WriteLine("esb invoke: no admin password: set ESB_ADMIN_PASSWORD, or run from the folder where the node keeps .esb/admin-password (or pass --data-dir).");
                return 2;
            }
            return await InvokeAsync(parse.GetValue(url)!, parse.GetValue(service)!, input, password, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellation);
        });
        return command;
    }

    private static async Task<int> InvokeAsync(string adminUrl, string service, string input, string password, TimeSpan timeout, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = timeout };
        var request = new HttpRequestMessage(HttpMethod.Post, $"{adminUrl.TrimEnd('/')}/admin/services/{Uri.EscapeDataString(service)}/invoke")
        {
            Content = new StringContent(input, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminCredentials.UserName}:{password}")));
        request.Headers.UserAgent.ParseAdd($"esb/{VersionCommand.Version}");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"esb invoke: cannot reach the admin API at {adminUrl} ({e.Message}). Is a node running? ./run.sh starts one.");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"esb invoke: no answer from {adminUrl} within {timeout.TotalSeconds:0} s (--timeout to wait longer).");
            return 1;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation);
        var cid = response.Headers.TryGetValues(HttpAnswers.CidHeader, out var values) ? values.FirstOrDefault() : null;
        if (response.IsSuccessStatusCode)
        {
            Console.WriteLine(body);
            return 0;
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Console.Error.WriteLine("esb invoke: the admin API refused the password: set ESB_ADMIN_PASSWORD to the admin password of that node's cluster.");
            return 1;
        }
        Console.Error.WriteLine($"esb invoke: {(int)response.StatusCode} {ErrorOf(body)}{(cid is null ? "" : $" (cid={cid})")}");
        return 1;
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error)) return error.GetString() ?? body;
        }
        catch (JsonException)
        {
        }
        return body;
    }

    private static string? ReadPasswordFile(string dataDirectory)
    {
        var file = AdminCredentials.PasswordFile(dataDirectory);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
