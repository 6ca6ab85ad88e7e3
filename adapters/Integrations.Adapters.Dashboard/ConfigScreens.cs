namespace Integrations.Adapters.Dashboard;

/// <summary>A field of a configuration object as a screen's form shows it.</summary>
/// <param name="Name">The field, snake_case as in the admin API.</param>
/// <param name="Label">What the form calls it.</param>
/// <param name="Type">text, number, bool or list (comma-separated).</param>
/// <param name="Help">A line under the field.</param>
public sealed record FieldSpec(string Name, string Label, string Type = "text", string? Help = null);

/// <summary>A screen over one kind of configuration object: where the admin API keeps it, its fields, its own actions.</summary>
public sealed record ConfigScreen(string Slug, string Title, string ApiPath, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<string> Columns,
    bool Ping = false, bool Secret = false, bool Jobs = false);

/// <summary>The screens, one per kind the dashboard manages; the navigation lists them in this order.</summary>
public static class ConfigScreens
{
    /// <summary>Every screen.</summary>
    public static IReadOnlyList<ConfigScreen> All { get; } =
    [
        new("outgoing-rest", "Outgoing REST connections", "/admin/outgoing/rest",
        [
            new("name", "Name"), new("address", "Address", Help: "scheme, host and port: http://localhost:17010"),
            new("url_path", "URL path", Help: "/path/with/{placeholders}"), new("data_format", "Data format"),
            new("security", "Security definition"), new("timeout_seconds", "Timeout (s)", "number"), new("retries", "Retries", "number"),
            new("tls_verify", "Check TLS certificates", "bool"), new("is_active", "Active", "bool"),
        ], ["name", "address", "url_path"], Ping: true),
        new("channels-rest", "REST channels", "/admin/channels/rest",
        [
            new("name", "Name"), new("service", "Service"), new("url_path", "URL path"), new("method", "Method", Help: "leave empty for any"),
            new("data_format", "Data format"), new("security", "Security definition"), new("rate_limit", "Rate limit", Help: "e.g. 100/m"),
            new("cors_origins", "CORS origins", "list"), new("is_active", "Active", "bool"),
        ], ["name", "service", "url_path"]),
        new("security", "Security", "/admin/security",
        [
            new("name", "Name"), new("type", "Type", Help: "apikey, basic_auth, jwt or oauth"), new("header", "Header", Help: "apikey: default X-API-Key"),
            new("username", "User name", Help: "basic_auth"), new("algorithm", "Algorithm", Help: "jwt: HS256 or RS256"),
            new("token_url", "Token URL", Help: "oauth"), new("client_id", "Client id", Help: "oauth"), new("is_active", "Active", "bool"),
        ], ["name", "type"], Secret: true),
        new("scheduler", "Scheduler", "/admin/scheduler",
        [
            new("name", "Name"), new("service", "Service"), new("job_type", "Job type", Help: "interval_based, cron_style or one_time"),
            new("seconds", "Seconds", "number"), new("minutes", "Minutes", "number"), new("hours", "Hours", "number"), new("days", "Days", "number"),
            new("repeats", "Runs in all", "number", "empty: forever"), new("cron", "Cron", Help: "e.g. 1 0 * * * or @hourly"), new("time_zone", "Time zone"),
            new("start_date", "Start date", Help: "e.g. 2026-12-01T08:00:00Z"), new("extra", "Input", Help: "key=value lines or JSON"),
            new("is_active", "Active", "bool"),
        ], ["name", "service", "job_type"], Jobs: true),
    ];
}
