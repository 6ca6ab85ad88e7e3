namespace Integrations.ApiTest;

/// <summary>Which scenarios run, by tag: each filter is a comma-separated list of tags any of which may match (<c>@smoke,@api</c>), or <c>not @tag</c> / <c>~@tag</c>; every filter must hold.</summary>
public sealed class TagFilter(IReadOnlyList<string> filters)
{
    /// <summary>Whether a scenario with <paramref name="tags"/> runs.</summary>
    public bool Allows(IReadOnlyCollection<string> tags) => filters.All(filter =>
    {
        var any = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return any.Any(tag =>
        {
            var negated = tag.StartsWith("not ", StringComparison.OrdinalIgnoreCase) || tag.StartsWith('~');
            var name = negated ? tag.TrimStart('~').Replace("not ", "", StringComparison.OrdinalIgnoreCase).Trim() : tag;
            if (!name.StartsWith('@')) name = "@" + name;
            return tags.Contains(name, StringComparer.OrdinalIgnoreCase) != negated;
        });
    });
}
