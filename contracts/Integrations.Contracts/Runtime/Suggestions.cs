namespace Integrations.Runtime;

/// <summary>
/// The names closest to one that was mistyped, for errors that say "did you mean …": unknown services, fields,
/// kinds, commands and steps are all answered with the same guesses.
/// </summary>
public static class Suggestions
{
    /// <summary>
    /// The names in <paramref name="names"/> close enough to <paramref name="typed"/> to be what was meant, best first
    /// (all of the best when several are as close; at most <paramref name="max"/>). Case is ignored; a name that starts
    /// with what was typed (three characters or more) counts as one edit away.
    /// </summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> names, int max = 3)
    {
        var scored = names.Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Score: Score(typed, name)))
            .Where(s => s.Score is not null)
            .ToList();
        if (scored.Count == 0) return [];
        var best = scored.Min(s => s.Score!.Value);
        return [.. scored.Where(s => s.Score == best).Select(s => s.Name).Take(max)];
    }

    /// <summary>"; did you mean 'list'?" for the closest names, or an empty string when none is close.</summary>
    public static string DidYouMean(string typed, IEnumerable<string> names) =>
        Closest(typed, names) is { Count: > 0 } closest ? $"; did you mean {Quoted(closest)}?" : "";

    /// <summary>'a', 'a' or 'b', 'a', 'b' or 'c'.</summary>
    public static string Quoted(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Concat(names.Select(n => $"'{n}'"))
            : string.Join(", ", names.Take(names.Count - 1).Select(n => $"'{n}'")) + $" or '{names[^1]}'";

    /// <summary>Edits from one text to the other: insert, delete or change a character, or swap two neighbours.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    // Edits, or 1 when the name starts with what was typed; null when too far to be a slip of the keyboard.
    private static int? Score(string typed, string name)
    {
        var a = typed.TrimStart('-').ToLowerInvariant();
        var b = name.TrimStart('-').ToLowerInvariant();
        if (a.Length == 0 || a == b) return a == b && a.Length > 0 ? 0 : null;
        if (a.Length >= 3 && b.StartsWith(a, StringComparison.Ordinal)) return 1;
        var distance = Distance(a, b);
        // A mistyped start of a longer name ("timeuot" for timeout_seconds) is a near miss too.
        if (a.Length >= 4 && b.Length > a.Length) distance = Math.Min(distance, Distance(a, b[..a.Length]) + 1);
        return distance <= Math.Max(1, a.Length / 3) ? distance : null;
    }
}
