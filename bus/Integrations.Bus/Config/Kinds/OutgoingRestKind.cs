using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Outgoing REST connections: the systems services call by name.</summary>
internal sealed class OutgoingRestKind : ConfigKind<OutgoingRest>
{
    public OutgoingRestKind() : base(30, "Outgoing REST connections", "/outgoing/rest", "name=CRM address=http://localhost:17010 url_path=/tutorial/api/get-user data_format=json")
    {
        ListWith("address", "url_path", "security");
        Refers<SecurityDefinition>("security", o => o.Security, refuse: d => d.Type == SecurityDefinition.Jwt
            ? "is a jwt definition, which checks callers; outgoing connections present apikey, basic_auth or oauth" : null);
    }

    protected override void Check(OutgoingRest o, ConfigRules rules, List<FieldError> errors)
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
    }
}
