namespace Integrations.Admin;

/// <summary>The body of an admin API error.</summary>
public sealed record ErrorBody(string Error, int Status, string? Cid);
