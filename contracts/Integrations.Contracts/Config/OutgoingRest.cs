namespace Integrations.Config;

/// <summary>An outgoing REST connection: another system that services call by name (<c>ctx.Out.Rest["CRM"]</c>).</summary>
[ConfigKind("outgoing_rest")]
public sealed record OutgoingRest : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>Scheme, host and port, e.g. <c>https://crm.example.com</c>.</summary>
    public string Address { get; init; } = "";
    /// <summary>The path; <c>{placeholders}</c> are filled from the call's parameters, the other parameters go to the query string.</summary>
    public string UrlPath { get; init; } = "/";
    /// <summary>The data format of bodies: json.</summary>
    public string DataFormat { get; init; } = "json";
    /// <summary>Seconds one attempt may take.</summary>
    public double TimeoutSeconds { get; init; } = 10;
    /// <summary>The security definition presented to the system (API key, Basic Auth, OAuth), or null for none.</summary>
    public string? Security { get; init; }
    /// <summary>Whether the system's TLS certificate is checked.</summary>
    public bool TlsVerify { get; init; } = true;
    /// <summary>Retries after a failed attempt (network error, 408, 429, 5xx); null means 2 for idempotent methods.</summary>
    public int? Retries { get; init; }
    /// <summary>Whether POST and PATCH are retried too (off: a retried POST may act twice).</summary>
    public bool RetryAllMethods { get; init; }
    /// <summary>Whether calls stop for a while when most recent ones failed, so a dead system fails fast.</summary>
    public bool CircuitBreaker { get; init; } = true;
    /// <summary>The method a ping uses: HEAD (falling back to GET when the system refuses HEAD) or GET.</summary>
    public string PingMethod { get; init; } = "HEAD";
    /// <summary>Whether calls may use the connection.</summary>
    public bool IsActive { get; init; } = true;
}
