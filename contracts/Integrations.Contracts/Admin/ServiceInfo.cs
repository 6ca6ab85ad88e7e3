namespace Integrations.Admin;

/// <summary>A service as the admin API lists it; <paramref name="Invocations"/> and <paramref name="MeanMs"/> count its runs on the node that answers.</summary>
public sealed record ServiceInfo(string Name, string Origin, string Type, IReadOnlyList<string> RequiredInput, double TimeoutSeconds, long Invocations, double MeanMs);

/// <summary>The body of an admin API error.</summary>
public sealed record ErrorBody(string Error, int Status, string? Cid);

/// <summary>The outcome of pinging an outgoing connection from the server.</summary>
/// <param name="Name">The connection.</param>
/// <param name="Ok">Whether the system answered (any HTTP status).</param>
/// <param name="Status">The HTTP status it answered with.</param>
/// <param name="TimeMs">How long it took.</param>
/// <param name="Reason">Why it failed: DNS, refused, TLS, timeout.</param>
/// <param name="Url">What was pinged.</param>
public sealed record PingResult(string Name, bool Ok, int? Status, double TimeMs, string? Reason, string Url);

/// <summary>A refused configuration change: the message, and each field that is wrong.</summary>
public sealed record ConfigError(string Error, int Status, IReadOnlyList<ConfigFieldError> Errors);

/// <summary>A field that is wrong, and why.</summary>
public sealed record ConfigFieldError(string Field, string Message);
