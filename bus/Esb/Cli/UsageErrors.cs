using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Integrations.Esb.Cli;

/// <summary>
/// What esb says about a command line it cannot run: one short line in the user's words, with a guess when a word
/// looks like a typo of a command or option, and exit code 2. System.CommandLine's own report prints the whole help
/// after the error, and names .NET types when a value does not parse.
/// </summary>
internal static class UsageErrors
{
    public const int ExitCode = 2;

    public static int Report(ParseResult parse)
    {
        var result = parse.CommandResult;
        var command = result.Command;
        var path = AdminCommand.Path(result);
        var prefix = path.Length == 0 ? "esb" : $"esb {path}";

        if (parse.UnmatchedTokens is [var token, ..])
        {
            Console.Error.WriteLine(token.StartsWith('-')
                ? $"{prefix}: unknown option '{token}'." + Guess(token, OptionNames(result), $" '{prefix} --help' lists the options.")
                : command.Subcommands.Count > 0
                    ? $"{prefix}: unknown command '{token}'." + Guess(token, command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)),
                        $" '{prefix} --help' lists the commands.")
                    : $"{prefix}: unexpected '{token}'. Usage: {Usage(prefix, command)}");
            return ExitCode;
        }

        // "esb security" alone asks what there is to do with security definitions: the help answers that.
        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            new HelpAction().Invoke(parse);
            return ExitCode;
        }

        var missing = command.Arguments.Where(a => !a.Hidden && a.Arity.MinimumNumberOfValues > 0
            && (parse.GetResult(a) is not ArgumentResult given || given.Tokens.Count < a.Arity.MinimumNumberOfValues)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"{prefix}: {string.Join(" and ", missing.Select(a => $"<{a.Name}>"))} missing. Usage: {Usage(prefix, command)}");
            return ExitCode;
        }

        foreach (var error in parse.Errors) Console.Error.WriteLine($"{prefix}: {Plain(error)}");
        return ExitCode;
    }

    // A number that does not parse is said as such; the library's message would name System.Int32.
    private static string Plain(ParseError error)
    {
        var (name, type, tokens) = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType, a.Tokens),
            _ => ("", typeof(void), (IReadOnlyList<Token>)[]),
        };
        type = Nullable.GetUnderlyingType(type) ?? type;
        var whole = type == typeof(int) || type == typeof(long);
        if (!whole && type != typeof(double)) return error.Message;
        foreach (var token in tokens)
        {
            var ok = whole
                ? long.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                : double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            if (!ok) return $"{name}: '{token.Value}' is not {(whole ? "a whole number" : "a number")}.";
        }
        return error.Message;
    }

    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        foreach (var option in result.Command.Options.Where(o => !o.Hidden)) { yield return option.Name; foreach (var alias in option.Aliases) yield return alias; }
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            foreach (var option in parent.Command.Options.Where(o => o.Recursive && !o.Hidden)) yield return option.Name;
    }

    private static string Usage(string prefix, Command command) =>
        string.Join(' ', command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues > 0 ? $"<{a.Name}>" : $"[<{a.Name}>]")
            .Prepend(prefix).Append("[options]"));

    /// <summary>" Did you mean 'list'?" for the names nearest to what was typed, or <paramref name="otherwise"/>.</summary>
    private static string Guess(string typed, IEnumerable<string> names, string otherwise)
    {
        var scored = names.Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Score: Score(typed, name)))
            .Where(s => s.Score is not null)
            .ToList();
        if (scored.Count == 0) return otherwise;
        var best = scored.Min(s => s.Score!.Value);
        var guesses = scored.Where(s => s.Score == best).Select(s => $"'{s.Name}'").Take(3).ToList();
        return $" Did you mean {string.Join(" or ", guesses)}?";
    }

    /// <summary>How far a name is from what was typed: edits, or 1 when the name starts with it; null when too far to be a typo.</summary>
    private static int? Score(string typed, string name)
    {
        var a = typed.TrimStart('-').ToLowerInvariant();
        var b = name.TrimStart('-').ToLowerInvariant();
        if (a.Length >= 3 && b.StartsWith(a, StringComparison.Ordinal)) return 1;
        var distance = Distance(a, b);
        return distance <= Math.Max(1, a.Length / 3) ? distance : null;
    }

    /// <summary>Edits (insert, delete, change, swap two neighbours) from one word to the other.</summary>
    private static int Distance(string a, string b)
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
}
