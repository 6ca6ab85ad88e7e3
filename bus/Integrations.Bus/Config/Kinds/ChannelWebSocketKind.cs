using Integrations.Bus.Edge;
using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>WebSockets channels: paths where clients connect and invoke a service with JSON messages.</summary>
internal sealed class ChannelWebSocketKind : ConfigKind<ChannelWebSocket>
{
    public ChannelWebSocketKind() : base(43, "WebSockets channels", "/channels/websocket", "name=Hello service=demo.hello url_path=/ws/hello security=\"Browser Key\"")
    {
        ListWith("service", "url_path", "security");
        RefersToService("service", w => w.Service);
        Refers<SecurityDefinition>("security", w => w.Security, refuse: ChannelRestKind.CallerCheck);
    }

    protected override void Check(ChannelWebSocket w, ConfigRules rules, List<FieldError> errors)
    {
        if (!w.UrlPath.StartsWith('/') || w.UrlPath.Contains('{') || w.UrlPath.Contains('?')) errors.Add(new("url_path", "must start with / and be a plain path (no {parameters}, no query)"));
        else if (ChannelPaths.Conflict(w.UrlPath, Name, w.Name, rules) is { } taken) errors.Add(new("url_path", taken));
        if (w.MaxMessageBytes is < 1 or > 16 * 1024 * 1024) errors.Add(new("max_message_bytes", "must be from 1 to 16777216 (16 MiB)"));
        if (w.MaxConnections is < 1 or > 100_000) errors.Add(new("max_connections", "must be from 1 to 100000"));
        if (w.IdleTimeoutSeconds is < 5 or > 86_400) errors.Add(new("idle_timeout_seconds", "must be from 5 to 86400"));
        if (w.PingSeconds is < 1 or > 3600) errors.Add(new("ping_seconds", "must be from 1 to 3600"));
    }
}
