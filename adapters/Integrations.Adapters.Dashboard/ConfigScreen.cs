namespace Integrations.Adapters.Dashboard;

/// <summary>A screen over one kind of configuration object: where the admin API keeps it, its fields, its own actions.</summary>
public sealed record ConfigScreen(string Slug, string Title, string ApiPath, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<string> Columns,
    bool Ping = false, bool Secret = false, bool Jobs = false);
