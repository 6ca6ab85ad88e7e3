namespace Integrations.Admin;

/// <summary>A field that names another object.</summary>
/// <param name="Field">The field.</param>
/// <param name="Kind">The kind it names, or <c>service</c>.</param>
public sealed record KindReferenceInfo(string Field, string Kind);
