using System.Text.RegularExpressions;
using Integrations.Bus.Edge;
using Integrations.Bus.Services;
using Integrations.Config;
using Microsoft.AspNetCore.Routing.Template;

namespace Integrations.Bus.Config;

/// <summary>A field of a configuration object that is not acceptable, and why.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A configuration object was refused; nothing was changed.</summary>
public sealed class ConfigRejectedException(int status, string kind, string name, IReadOnlyList<FieldError> errors)
    : Exception($"{kind} '{name}': " + string.Join("; ", errors))
{
    /// <summary>400 for invalid fields, 404 when the object does not exist, 409 for a conflict with another object.</summary>
    public int Status { get; } = status;
    /// <summary>What is wrong, field by field.</summary>
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}

/// <summary>
/// What makes each kind of configuration object acceptable, checked before anything is stored, whichever way the
/// change comes (admin API, CLI, dashboard, YAML): each field on its own, references to other objects, uniqueness.
/// </summary>
public sealed partial class ConfigRules(ConfigView view, ServiceCatalog catalog, NodeEndpoints nodeEndpoints)
{
    private static readonly string[] ChannelMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    private IReadOnlySet<string> _coming = new HashSet<string>();

    /// <summary>
    /// The same rules against a configuration that is not the node's yet: <paramref name="planned"/> (the view with a
    /// batch of changes laid over it), with <paramref name="comingServices"/> counted as existing.
    /// </summary>
    public ConfigRules For(ConfigView planned, IReadOnlySet<string> comingServices) =>
        new(planned, catalog, nodeEndpoints) { _coming = comingServices };

    private bool ServiceExists(string name) => catalog.TryGet(name, out _) || _coming.Contains(name);

    // "no connection_amqp named 'Backbon'; did you mean 'Backbone'?"
    private string NoObject<T>(string what, string name) where T : class, IConfigObject =>
        $"{what} '{name}'" + Suggestions.DidYouMean(name, view.All<T>().Select(o => o.Name));

    /// <summary>The problems of <paramref name="value"/>; empty when it may be stored.</summary>
    public IReadOnlyList<FieldError> Check(IConfigObject value)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(value.Name)) errors.Add(new("name", "is required"));
        else if (value.Name.Length > 200 || value.Name.Any(char.IsControl) || value.Name != value.Name.Trim())
            errors.Add(new("name", "must be at most 200 characters, without control characters or surrounding spaces"));

        switch (value)
        {
            case SecurityDefinition s: CheckSecurity(s, errors); break;
            case OutgoingRest o: CheckOutgoing(o, errors); break;
            case ChannelRest c: CheckChannel(c, errors); break;
            case ScheduledJob j:
                if (string.IsNullOrWhiteSpace(j.Service)) errors.Add(new("service", "is required"));
                else if (!ServiceExists(j.Service)) errors.Add(new("service", catalog.NoSuchService(j.Service, _coming)));
                Scheduling.JobSchedules.Check(j, errors);
                break;
            case ConnectionAmqp a: CheckConnection(a, errors); break;
            case ChannelAmqp a:
                if (string.IsNullOrWhiteSpace(a.Service)) errors.Add(new("service", "is required"));
                else if (!ServiceExists(a.Service)) errors.Add(new("service", catalog.NoSuchService(a.Service, _coming)));
                CheckConnectionName(a.Connection, errors);
                if (string.IsNullOrWhiteSpace(a.Queue) || a.Queue.Length > 255) errors.Add(new("queue", "is required: the queue's name (at most 255 characters)"));
                else if (a.Queue.StartsWith("amq.", StringComparison.Ordinal)) errors.Add(new("queue", "names starting with amq. are the broker's own"));
                if (a.Prefetch is < 1 or > 10_000) errors.Add(new("prefetch", "must be from 1 to 10000"));
                if (a.Consumers is < 1 or > 64) errors.Add(new("consumers", "must be from 1 to 64"));
                if (a.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
                if (a.DeadLetterQueue is { } dead && (dead.Length is 0 or > 255 || dead == a.Queue)) errors.Add(new("dead_letter_queue", "must be a queue name other than the channel's queue, or left out for <queue>.dead"));
                if (view.All<ChannelAmqp>().FirstOrDefault(o => o.Name != a.Name && o.Connection == a.Connection && o.Queue == a.Queue) is { } other)
                    errors.Add(new("queue", $"channel_amqp '{other.Name}' consumes {a.Queue} on the same connection already"));
                break;
            case OutgoingAmqp o:
                CheckConnectionName(o.Connection, errors);
                if (o.Exchange.Length > 255) errors.Add(new("exchange", "must be at most 255 characters"));
                if (o.RoutingKey.Length > 255) errors.Add(new("routing_key", "must be at most 255 characters"));
                break;
            case ConnectionMq q:
                if (!Uri.TryCreate(q.Address, UriKind.Absolute, out var mq) || mq.Scheme is not ("amqp" or "amqps"))
                    errors.Add(new("address", $"'{q.Address}' is not an amqp:// or amqps:// address (amqp://host:5672)"));
                else if (mq.UserInfo.Length > 0) errors.Add(new("address", "must not carry a user or password; put them in a basic_auth security definition"));
                if (q.Security is { } mqSecurity && view.Find<SecurityDefinition>(mqSecurity) is not { Type: SecurityDefinition.BasicAuth })
                    errors.Add(new("security", $"no basic_auth security definition named '{mqSecurity}'"));
                break;
            case ChannelMq q:
                if (string.IsNullOrWhiteSpace(q.Service)) errors.Add(new("service", "is required"));
                else if (!ServiceExists(q.Service)) errors.Add(new("service", catalog.NoSuchService(q.Service, _coming)));
                if (view.Find<ConnectionMq>(q.Connection) is null) errors.Add(new("connection", NoObject<ConnectionMq>("no connection_mq named", q.Connection)));
                if (string.IsNullOrWhiteSpace(q.Address)) errors.Add(new("address", "is required: the queue's address on the broker"));
                if (q.Credit is < 1 or > 10_000) errors.Add(new("credit", "must be from 1 to 10000"));
                if (q.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
                if (q.DeadLetterAddress is { } dla && (dla.Length == 0 || dla == q.Address)) errors.Add(new("dead_letter_address", "must be an address other than the channel's, or left out"));
                break;
            case OutgoingMq q:
                if (view.Find<ConnectionMq>(q.Connection) is null) errors.Add(new("connection", NoObject<ConnectionMq>("no connection_mq named", q.Connection)));
                if (string.IsNullOrWhiteSpace(q.Address)) errors.Add(new("address", "is required: the target queue or topic"));
                break;
            case ChannelWebSocket w:
                if (string.IsNullOrWhiteSpace(w.Service)) errors.Add(new("service", "is required"));
                else if (!ServiceExists(w.Service)) errors.Add(new("service", catalog.NoSuchService(w.Service, _coming)));
                if (!w.UrlPath.StartsWith('/') || w.UrlPath.Contains('{') || w.UrlPath.Contains('?')) errors.Add(new("url_path", "must start with / and be a plain path (no {parameters}, no query)"));
                else if (w.UrlPath.StartsWith("/esb/", StringComparison.OrdinalIgnoreCase) || nodeEndpoints.Paths.Contains(w.UrlPath.ToLowerInvariant()))
                    errors.Add(new("url_path", $"{w.UrlPath} is served by the node itself"));
                else if (view.All<ChannelWebSocket>().FirstOrDefault(o => o.Name != w.Name && Shape(o.UrlPath) == Shape(w.UrlPath)) is { } takenWs)
                    errors.Add(new("url_path", $"{w.UrlPath} is taken by channel_websocket '{takenWs.Name}'"));
                else if (view.All<ChannelRest>().FirstOrDefault(o => Shape(o.UrlPath) == Shape(w.UrlPath)) is { } takenRest)
                    errors.Add(new("url_path", $"{w.UrlPath} is taken by channel_rest '{takenRest.Name}'"));
                if (w.MaxMessageBytes is < 1 or > 16 * 1024 * 1024) errors.Add(new("max_message_bytes", "must be from 1 to 16777216 (16 MiB)"));
                if (w.MaxConnections is < 1 or > 100_000) errors.Add(new("max_connections", "must be from 1 to 100000"));
                if (w.IdleTimeoutSeconds is < 5 or > 86_400) errors.Add(new("idle_timeout_seconds", "must be from 5 to 86400"));
                if (w.PingSeconds is < 1 or > 3600) errors.Add(new("ping_seconds", "must be from 1 to 3600"));
                if (w.Security is { } wsSecurity)
                {
                    var definition = view.Find<SecurityDefinition>(wsSecurity);
                    if (definition is null) errors.Add(new("security", NoObject<SecurityDefinition>("no security definition named", wsSecurity)));
                    else if (definition.Type == SecurityDefinition.OAuth) errors.Add(new("security", $"'{wsSecurity}' is an oauth definition; channels check apikey, basic_auth or jwt"));
                }
                break;
            case PubSubTopic t:
                if (!PlainName().IsMatch(t.Name)) errors.Add(new("name", "a topic's name is letters, digits, '.', '_' and '-' (it is part of URLs and exchange names)"));
                if (t.Security is { } topicSecurity)
                {
                    var definition = view.Find<SecurityDefinition>(topicSecurity);
                    if (definition is null) errors.Add(new("security", NoObject<SecurityDefinition>("no security definition named", topicSecurity)));
                    else if (definition.Type == SecurityDefinition.OAuth) errors.Add(new("security", $"'{topicSecurity}' is an oauth definition; publishers are checked with apikey, basic_auth or jwt"));
                }
                break;
            case PubSubSubscription p:
                if (!PlainName().IsMatch(p.Name)) errors.Add(new("name", "a subscription's name is letters, digits, '.', '_' and '-' (its queue is esb.sub.<name>)"));
                if (view.Find<PubSubTopic>(p.Topic) is null) errors.Add(new("topic", NoObject<PubSubTopic>("no pubsub_topic named", p.Topic)));
                if (p.Retries is < 0 or > 20) errors.Add(new("retries", "must be from 0 to 20"));
                switch (p.DeliverTo)
                {
                    case PubSubSubscription.ToService:
                        if (p.Service is null || !ServiceExists(p.Service)) errors.Add(new("service", $"deliver_to service needs a service that exists{(p.Service is null ? "" : $"; there is no '{p.Service}'")}"));
                        break;
                    case PubSubSubscription.ToAmqp:
                        if (p.Outgoing is null || view.Find<OutgoingAmqp>(p.Outgoing) is null) errors.Add(new("outgoing", $"deliver_to amqp needs an outgoing_amqp{(p.Outgoing is null ? "" : $"; there is no '{p.Outgoing}'")}"));
                        break;
                    case PubSubSubscription.ToRest:
                        if (p.Outgoing is null || view.Find<OutgoingRest>(p.Outgoing) is null) errors.Add(new("outgoing", $"deliver_to rest needs an outgoing_rest{(p.Outgoing is null ? "" : $"; there is no '{p.Outgoing}'")}"));
                        break;
                    case PubSubSubscription.ToWebSocket:
                        break;
                    default:
                        errors.Add(new("deliver_to", $"'{p.DeliverTo}' is not a delivery; use one of {string.Join(", ", PubSubSubscription.Deliveries)}"));
                        break;
                }
                break;
            case ServiceSettings x:
                if (!ServiceExists(x.Name)) errors.Add(new("name", catalog.NoSuchService(x.Name, _coming)));
                if (x.TimeoutSeconds is <= 0 or > 86_400) errors.Add(new("timeout_seconds", "must be more than 0 and at most 86400 (one day), or null for the node's default"));
                break;
        }
        return errors;
    }

    /// <summary>The objects that refer to <paramref name="value"/>, which must go or change before it may be deleted.</summary>
    public IReadOnlyList<string> UsersOf(IConfigObject value) => value switch
    {
        SecurityDefinition s =>
        [
            .. view.All<ChannelRest>().Where(c => c.Security == s.Name).Select(c => $"channel_rest '{c.Name}'"),
            .. view.All<OutgoingRest>().Where(o => o.Security == s.Name).Select(o => $"outgoing_rest '{o.Name}'"),
            .. view.All<ConnectionAmqp>().Where(c => c.Security == s.Name).Select(c => $"connection_amqp '{c.Name}'"),
            .. view.All<ConnectionMq>().Where(c => c.Security == s.Name).Select(c => $"connection_mq '{c.Name}'"),
            .. view.All<ChannelWebSocket>().Where(c => c.Security == s.Name).Select(c => $"channel_websocket '{c.Name}'"),
            .. view.All<PubSubTopic>().Where(c => c.Security == s.Name).Select(c => $"pubsub_topic '{c.Name}'"),
        ],
        PubSubTopic t => [.. view.All<PubSubSubscription>().Where(x => x.Topic == t.Name).Select(x => $"pubsub_subscription '{x.Name}'")],
        OutgoingAmqp o => [.. view.All<PubSubSubscription>().Where(x => x.DeliverTo == PubSubSubscription.ToAmqp && x.Outgoing == o.Name).Select(x => $"pubsub_subscription '{x.Name}'")],
        OutgoingRest o => [.. view.All<PubSubSubscription>().Where(x => x.DeliverTo == PubSubSubscription.ToRest && x.Outgoing == o.Name).Select(x => $"pubsub_subscription '{x.Name}'")],
        ConnectionMq c =>
        [
            .. view.All<ChannelMq>().Where(x => x.Connection == c.Name).Select(x => $"channel_mq '{x.Name}'"),
            .. view.All<OutgoingMq>().Where(x => x.Connection == c.Name).Select(x => $"outgoing_mq '{x.Name}'"),
        ],
        ConnectionAmqp c =>
        [
            .. view.All<ChannelAmqp>().Where(x => x.Connection == c.Name).Select(x => $"channel_amqp '{x.Name}'"),
            .. view.All<OutgoingAmqp>().Where(x => x.Connection == c.Name).Select(x => $"outgoing_amqp '{x.Name}'"),
        ],
        _ => [],
    };

    private void CheckSecurity(SecurityDefinition s, List<FieldError> errors)
    {
        if (!SecurityDefinition.Types.Contains(s.Type))
        {
            errors.Add(new("type", $"'{s.Type}' is not a type; use one of {string.Join(", ", SecurityDefinition.Types)}"));
            return;
        }
        // A definition in use must stay usable by what uses it.
        foreach (var user in UsersOf(s))
        {
            if ((user.StartsWith("channel_rest", StringComparison.Ordinal) || user.StartsWith("channel_websocket", StringComparison.Ordinal)) && s.Type == SecurityDefinition.OAuth)
                errors.Add(new("type", $"oauth is for outgoing connections, but {user} checks its callers with this definition"));
            if (user.StartsWith("outgoing_rest", StringComparison.Ordinal) && s.Type == SecurityDefinition.Jwt)
                errors.Add(new("type", $"jwt checks callers, but {user} presents this definition to another system"));
            if ((user.StartsWith("connection_amqp", StringComparison.Ordinal) || user.StartsWith("connection_mq", StringComparison.Ordinal)) && s.Type != SecurityDefinition.BasicAuth)
                errors.Add(new("type", $"{user} logs in to its broker with this definition's user and password: it must stay basic_auth"));
        }
        switch (s.Type)
        {
            case SecurityDefinition.ApiKey when s.Header is not null && !HeaderName().IsMatch(s.Header):
                errors.Add(new("header", $"'{s.Header}' is not a header name"));
                break;
            case SecurityDefinition.BasicAuth when string.IsNullOrWhiteSpace(s.Username):
                errors.Add(new("username", "is required for basic_auth"));
                break;
            case SecurityDefinition.Jwt when s.Algorithm is not (null or "HS256" or "RS256"):
                errors.Add(new("algorithm", $"'{s.Algorithm}' is not supported; use HS256 or RS256"));
                break;
            case SecurityDefinition.OAuth:
                if (!IsHttpUrl(s.TokenUrl)) errors.Add(new("token_url", "is required for oauth: the token endpoint's http(s) URL"));
                if (string.IsNullOrWhiteSpace(s.ClientId)) errors.Add(new("client_id", "is required for oauth"));
                break;
        }
    }

    private void CheckConnection(ConnectionAmqp c, List<FieldError> errors)
    {
        if (c.Address is { } address)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
                errors.Add(new("address", $"'{address}' is not an amqp:// or amqps:// address (amqp://host:5672/vhost), or leave it out for the backbone's broker"));
            else if (uri.UserInfo.Length > 0)
                errors.Add(new("address", "must not carry a user or password; put them in a basic_auth security definition"));
        }
        if (c.HeartbeatSeconds is < 1 or > 3600) errors.Add(new("heartbeat_seconds", "must be from 1 to 3600"));
        if (c.Security is { } name)
        {
            var definition = view.Find<SecurityDefinition>(name);
            if (definition is null) errors.Add(new("security", NoObject<SecurityDefinition>("no security definition named", name)));
            else if (definition.Type != SecurityDefinition.BasicAuth) errors.Add(new("security", $"'{name}' is {definition.Type}; a broker's user and password are a basic_auth definition"));
        }
    }

    private void CheckConnectionName(string name, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(name)) errors.Add(new("connection", "is required: a connection_amqp"));
        else if (view.Find<ConnectionAmqp>(name) is null) errors.Add(new("connection", NoObject<ConnectionAmqp>("no connection_amqp named", name)));
    }

    private void CheckOutgoing(OutgoingRest o, List<FieldError> errors)
    {
        if (!Uri.TryCreate(o.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            errors.Add(new("address", $"'{o.Address}' is not an http:// or https:// address"));
        else if (address.UserInfo.Length > 0)
            errors.Add(new("address", "must not carry a user or password; put credentials in a security definition"));
        else if (address.AbsolutePath != "/" || address.Query.Length > 0)
            errors.Add(new("address", "is scheme, host and port only; put the path in url_path"));
        if (!o.UrlPath.StartsWith('/')) errors.Add(new("url_path", "must start with /"));
        if (o.DataFormat != "json") errors.Add(new("data_format", $"'{o.DataFormat}' is not supported; use json"));
        if (o.TimeoutSeconds is <= 0 or > 300) errors.Add(new("timeout_seconds", "must be more than 0 and at most 300"));
        if (o.Retries is < 0 or > 10) errors.Add(new("retries", "must be from 0 to 10"));
        if (o.PingMethod is not ("HEAD" or "GET")) errors.Add(new("ping_method", "must be HEAD or GET"));
        if (o.Security is { } name)
        {
            var definition = view.Find<SecurityDefinition>(name);
            if (definition is null) errors.Add(new("security", NoObject<SecurityDefinition>("no security definition named", name)));
            else if (definition.Type == SecurityDefinition.Jwt)
                errors.Add(new("security", $"'{name}' is a jwt definition, which checks callers; outgoing connections use apikey, basic_auth or oauth"));
        }
    }

    private void CheckChannel(ChannelRest c, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(c.Service)) errors.Add(new("service", "is required"));
        else if (!ServiceExists(c.Service)) errors.Add(new("service", catalog.NoSuchService(c.Service, _coming)));

        if (!c.UrlPath.StartsWith('/')) errors.Add(new("url_path", "must start with /"));
        else if (ParseTemplate(c.UrlPath) is { } problem) errors.Add(new("url_path", problem));
        else
        {
            var shape = Shape(c.UrlPath);
            if (c.UrlPath.StartsWith("/esb/", StringComparison.OrdinalIgnoreCase) || nodeEndpoints.Paths.Contains(c.UrlPath.ToLowerInvariant()))
                errors.Add(new("url_path", $"{c.UrlPath} is served by the node itself"));
            else if (view.All<ChannelRest>().FirstOrDefault(other => other.Name != c.Name && Shape(other.UrlPath) == shape) is { } taken)
                errors.Add(new("url_path", $"{c.UrlPath} is taken by channel '{taken.Name}'"));
        }
        if (c.Method is not null && !ChannelMethods.Contains(c.Method))
            errors.Add(new("method", $"'{c.Method}' is not a method; use one of {string.Join(", ", ChannelMethods)}, or leave it out for any"));
        if (c.DataFormat is not ("json" or "form")) errors.Add(new("data_format", $"'{c.DataFormat}' is not supported; use json or form"));
        if (c.TimeoutSeconds is <= 0 or > 86_400) errors.Add(new("timeout_seconds", "must be more than 0 and at most 86400"));
        if (c.RateLimit is not null && !RateLimit.TryParse(c.RateLimit, out _, out var rateError)) errors.Add(new("rate_limit", rateError!));
        if (c.MaxBodyBytes is < 1 or > 100L * 1024 * 1024) errors.Add(new("max_body_bytes", "must be from 1 to 104857600 (100 MiB)"));
        foreach (var origin in c.CorsOrigins)
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.Scheme is "http" or "https" && o.AbsolutePath == "/" && !origin.EndsWith('/')))
                errors.Add(new("cors_origins", $"'{origin}' is not an origin; write scheme://host[:port], e.g. https://app.example.com, or *"));
        if (c.Security is { } name)
        {
            var definition = view.Find<SecurityDefinition>(name);
            if (definition is null) errors.Add(new("security", NoObject<SecurityDefinition>("no security definition named", name)));
            else if (definition.Type == SecurityDefinition.OAuth)
                errors.Add(new("security", $"'{name}' is an oauth definition, which outgoing connections present; channels check apikey, basic_auth or jwt"));
        }
    }

    /// <summary>A path with its parameter names blanked, so <c>/a/{x}</c> and <c>/a/{y}</c> count as the same path.</summary>
    public static string Shape(string path) => Parameter().Replace(path.TrimEnd('/').ToLowerInvariant(), "{}");

    private static string? ParseTemplate(string path)
    {
        try
        {
            TemplateParser.Parse(path.TrimStart('/'));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a valid path template: {e.Message.Split('\n')[0].Trim()}";
        }
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex PlainName();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
