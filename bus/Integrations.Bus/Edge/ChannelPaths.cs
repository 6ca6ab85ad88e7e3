using Integrations.Bus.Config;
using Integrations.Config;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Integrations.Bus.Edge;

/// <summary>
/// The paths of the channel port, shared by every kind that serves one — the node's own (<c>/esb/…</c>, the demo
/// systems), REST channels (templates) and WebSocket channels (exact paths, answered before REST channels) — so a
/// channel of one kind cannot take a path another already serves.
/// </summary>
public static partial class ChannelPaths
{
    /// <summary>Why <paramref name="path"/> cannot be <paramref name="name"/>'s, a channel of kind <paramref name="kind"/>; null when it can.</summary>
    public static string? Conflict(string path, string kind, string name, ConfigRules rules)
    {
        if (path.StartsWith("/esb/", StringComparison.OrdinalIgnoreCase) || path.Equals("/esb", StringComparison.OrdinalIgnoreCase)
            || rules.NodeEndpoints.Paths.Contains(Key(path)))
            return $"{path} is served by the node itself";
        var isRest = kind == ConfigKinds.NameOf(typeof(ChannelRest));
        foreach (var rest in rules.View.All<ChannelRest>())
        {
            if (isRest && rest.Name == name) continue;
            if (isRest ? Shape(rest.UrlPath) == Shape(path) : Matches(rest.UrlPath, path))
                return $"{path} is taken by channel_rest '{rest.Name}'";
        }
        foreach (var socket in rules.View.All<ChannelWebSocket>())
        {
            if (!isRest && socket.Name == name) continue;
            if (isRest ? Matches(path, socket.UrlPath) : Key(socket.UrlPath) == Key(path))
                return $"{path} is taken by channel_websocket '{socket.Name}'";
        }
        return null;
    }

    /// <summary>A path with its parameter names blanked, so <c>/a/{x}</c> and <c>/a/{y}</c> count as the same path.</summary>
    public static string Shape(string path) => Parameter().Replace(path.TrimEnd('/').ToLowerInvariant(), "{}");

    // Whether a REST channel's path (a template) takes a plain path.
    private static bool Matches(string template, string path)
    {
        if (Key(template) == Key(path)) return true;
        try
        {
            var matcher = new TemplateMatcher(TemplateParser.Parse(template.TrimStart('/')), new RouteValueDictionary());
            return matcher.TryMatch(new PathString(path), new RouteValueDictionary());
        }
        catch (ArgumentException)
        {
            return false; // not a template: its own rule says so
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex Parameter();

    private static string Key(string path) => path.TrimEnd('/').ToLowerInvariant() is { Length: > 0 } p ? p : "/";
}
