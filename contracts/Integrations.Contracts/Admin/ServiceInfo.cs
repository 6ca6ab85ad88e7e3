namespace Integrations.Admin;

/// <summary>A service as the admin API lists it; <paramref name="Invocations"/> and <paramref name="MeanMs"/> count its runs on the node that answers.</summary>
public sealed record ServiceInfo(string Name, string Origin, string Type, IReadOnlyList<string> RequiredInput, double TimeoutSeconds, long Invocations, double MeanMs);
