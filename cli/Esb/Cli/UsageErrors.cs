using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using Integrations.Runtime;

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
    private static string Guess(string typed, IEnumerable<string> names, string otherwise) =>
        Suggestions.Closest(typed, names) is { Count: > 0 } closest ? $" Did you mean {Suggestions.Quoted(closest)}?" : otherwise;
}
