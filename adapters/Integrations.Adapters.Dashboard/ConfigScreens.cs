using Integrations.Admin;

namespace Integrations.Adapters.Dashboard;

/// <summary>
/// The screens, one per kind of configuration object, made from what the admin API says of the kinds
/// (<c>GET /admin/kinds</c>): a kind the node has is a screen, with its fields; the navigation lists them in the
/// kinds' order.
/// </summary>
public sealed class ConfigScreens(AdminApiClient admin)
{
    private Task<IReadOnlyList<ConfigScreen>>? _screens;

    /// <summary>Every screen.</summary>
    public Task<IReadOnlyList<ConfigScreen>> AllAsync() => _screens ??= LoadAsync();

    private async Task<IReadOnlyList<ConfigScreen>> LoadAsync()
    {
        try
        {
            return [.. (await admin.KindsAsync().ConfigureAwait(false)).Select(Screen)];
        }
        catch (Exception e) when (e is AdminApiException or HttpRequestException or TaskCanceledException)
        {
            _screens = null; // asked again next time
            return [];
        }
    }

    private static ConfigScreen Screen(KindInfo kind) => new(kind.Name, kind.Title, kind.Path,
        [.. kind.Fields.Select(f => new FieldSpec(f.Name, Label(f.Name), f.Type switch
        {
            "integer" or "number" => "number",
            "boolean" => "bool",
            "list" => "list",
            _ => "text",
        }, f.Help, f.Default == "true"))],
        ["name", .. kind.Columns], Ping: kind.Name == "outgoing_rest", Secret: kind.HasSecret, Jobs: kind.Name == "scheduler");

    // url_path → "URL path", tls_verify → "TLS verify".
    private static string Label(string field)
    {
        var words = field.Split('_').Select(w => w switch
        {
            "url" or "tls" or "cors" or "amqp" or "mq" or "json" or "id" => w.ToUpperInvariant(),
            _ => w,
        }).ToArray();
        if (words[0].Length > 0 && char.IsLower(words[0][0])) words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(' ', words);
    }
}
