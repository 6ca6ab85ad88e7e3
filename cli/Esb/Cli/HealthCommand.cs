using System.CommandLine;
using Integrations.Bus.Node;

namespace Integrations.Esb.Cli;

/// <summary>
/// <c>esb health</c>: asks a node's <c>/health/ready</c> (or <c>/health/live</c>) and exits 0 when it is healthy, 1
/// when not — a container's health check, a script's wait. Without <c>--url</c>, the node is the one
/// <c>esb serve</c> would run here: the same settings (appsettings.json, <c>ESB_*</c>), asked on the port its roles serve.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url")
        {
            Description = "The node's channel or admin URL (default: the port this node's roles serve, from the settings esb serve reads).",
        };
        var live = new Option<bool>("--live") { Description = "Ask whether the node is alive (/health/live), not whether it is ready." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 5 };
        var command = new Command("health", "Ask a node whether it is ready (GET /health/ready): exit code 0 when it is, 1 when not.") { url, live, timeout };
        command.SetAction(async (parse, cancellation) =>
        {
            var path = parse.GetValue(live) ? NodeHealth.LivePath : NodeHealth.ReadyPath;
            var address = parse.GetValue(url);
            if (address is null)
            {
                var settings = NodeSettings.Load();
                NodeRoles roles;
                try
                {
                    roles = NodeRolesParser.Parse(settings.Text("ESB_ROLES", "Roles", "all"));
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine($"esb health: {e.Message}");
                    return 2;
                }
                if (settings.Errors.Count > 0)
                {
                    foreach (var error in settings.Errors) Console.Error.WriteLine($"esb health: {error}");
                    return 2;
                }
                var defaults = new NodeOptions();
                address = roles.HasFlag(NodeRoles.Edge) ? settings.Text("ESB_CHANNELS_URL", "ChannelsUrl", defaults.ChannelsUrl)
                    : roles.HasFlag(NodeRoles.Dashboard) ? settings.Text("ESB_ADMIN_URL", "AdminUrl", defaults.AdminUrl)
                    : null;
                if (address is null)
                {
                    Console.WriteLine($"a node with roles {roles.ToString().ToLowerInvariant()} serves no HTTP: nothing to ask (give --url, or the edge or dashboard role)");
                    return 0;
                }
            }
            if (!Uri.TryCreate(NodeAddress.Reachable(address), UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"esb health: '{address}' is not an http or https address");
                return 2;
            }
            var probe = new UriBuilder(listen.Scheme, listen.Host, listen.Port, path).Uri;
            using var http = new HttpClient(new SocketsHttpHandler
            {
                // Asked on the loopback, the node's certificate names another host: what matters is its answer.
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            }) { Timeout = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(timeout))) };
            try
            {
                using var answer = await http.GetAsync(probe, cancellation);
                Console.WriteLine($"{(int)answer.StatusCode} {probe}: {await answer.Content.ReadAsStringAsync(cancellation)}");
                return answer.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"{probe}: no answer ({(e is TaskCanceledException ? "timed out" : e.Message)})");
                return 1;
            }
        });
        return command;
    }
}
