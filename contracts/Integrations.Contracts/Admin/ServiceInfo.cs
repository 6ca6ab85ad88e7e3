namespace Integrations.Admin;

/// <summary>A service as the admin API lists it.</summary>
public sealed record ServiceInfo(string Name, string Origin, string Type, IReadOnlyList<string> RequiredInput, double TimeoutSeconds);

/// <summary>The body of an admin API error.</summary>
public sealed record ErrorBody(string Error, int Status, string? Cid);
