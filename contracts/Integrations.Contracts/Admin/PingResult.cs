namespace Integrations.Admin;

/// <summary>The outcome of pinging an outgoing connection from the server.</summary>
/// <param name="Name">The connection.</param>
/// <param name="Ok">Whether the system answered (any HTTP status).</param>
/// <param name="Status">The HTTP status it answered with.</param>
/// <param name="TimeMs">How long it took.</param>
/// <param name="Reason">Why it failed: DNS, refused, TLS, timeout.</param>
/// <param name="Url">What was pinged.</param>
public sealed record PingResult(string Name, bool Ok, int? Status, double TimeMs, string? Reason, string Url);
