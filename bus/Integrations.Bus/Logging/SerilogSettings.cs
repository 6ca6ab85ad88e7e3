using System.Reflection;
using System.Runtime.CompilerServices;
using Integrations.Runtime;
using Microsoft.Extensions.Configuration;
using Serilog.Configuration;
using Serilog.Events;

namespace Integrations.Bus.Logging;

/// <summary>
/// The <c>Serilog</c> section of a node's settings, read by Serilog.Settings.Configuration over the node's own console
/// and file: more sinks (<c>WriteTo</c>: Seq, OpenTelemetry, another file…), enrichers, properties, filters and level
/// overrides. The sinks, enrichers and formatters it may name are those of the assemblies the node ships
/// (<see cref="Assemblies"/>), found by type rather than by scanning the application's dependencies, so a published
/// node finds them as a build does. Serilog.Settings.Configuration passes over a name it does not know, or arguments
/// no method takes, with a line to its self-log: <see cref="Check"/> says so instead, naming the setting.
/// </summary>
public static class SerilogSettings
{
    /// <summary>The section's name.</summary>
    public const string Section = "Serilog";

    /// <summary>The assemblies whose sinks, enrichers, filters and formatters the section may name.</summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(Serilog.Log).Assembly,
        typeof(Serilog.ConsoleLoggerConfigurationExtensions).Assembly,
        typeof(Serilog.FileLoggerConfigurationExtensions).Assembly,
        typeof(Serilog.SeqLoggerConfigurationExtensions).Assembly,
        typeof(Serilog.OpenTelemetryLoggerConfigurationExtensions).Assembly,
        typeof(Serilog.Formatting.Compact.CompactJsonFormatter).Assembly,
    ];

    /// <summary>Every key the section may have.</summary>
    public static IReadOnlyList<string> Known { get; } =
        ["Using", "LevelSwitches", "FilterSwitches", "MinimumLevel", "Enrich", "Properties", "Filter", "Destructure", "WriteTo", "AuditTo"];

    // What each list of method calls is called on, and what one of its entries is called in a message.
    private static readonly (string Key, Type Receiver, string What)[] Calls =
    [
        ("WriteTo", typeof(LoggerSinkConfiguration), "sink"),
        ("AuditTo", typeof(LoggerAuditSinkConfiguration), "audit sink"),
        ("Enrich", typeof(LoggerEnrichmentConfiguration), "enricher"),
        ("Filter", typeof(LoggerFilterConfiguration), "filter"),
        ("Destructure", typeof(LoggerDestructuringConfiguration), "destructuring policy"),
    ];

    /// <summary>
    /// The least important level the section asks for (<c>MinimumLevel</c> or <c>MinimumLevel:Default</c>), when it
    /// names one: the node's own level settings (<c>--log-level</c>, <c>ESB_LOG_LEVEL</c>, <c>Esb:LogLevel</c>) win over it.
    /// </summary>
    public static LogEventLevel? DefaultLevel(IConfiguration section)
    {
        var level = section["MinimumLevel"] is { Length: > 0 } whole ? whole : section["MinimumLevel:Default"];
        return level is { Length: > 0 } && Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
    }

    /// <summary>What is wrong with the section, each as the setting's path (<c>Serilog:WriteTo:0:Name</c>) and what is wrong with it.</summary>
    public static IReadOnlyList<(string Key, string Problem)> Check(IConfiguration section)
    {
        var problems = new List<(string, string)>();
        var prefix = section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" : "";
        foreach (var child in section.GetChildren())
            if (!Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                problems.Add((prefix + child.Key, $"is not a Serilog setting{Suggestions.DidYouMean(child.Key, Known)}"));

        var assemblies = new List<Assembly>(Assemblies);
        foreach (var name in section.GetSection("Using").GetChildren())
        {
            if (string.IsNullOrWhiteSpace(name.Value)) continue;
            if (Load(name.Value) is { } assembly) assemblies.Add(assembly);
            else problems.Add((prefix + "Using:" + name.Key,
                $"'{name.Value}' is not an assembly the node has; it has {string.Join(", ", Assemblies.Select(a => a.GetName().Name))}"));
        }

        var switches = section.GetSection("LevelSwitches").GetChildren().Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var levelSwitch in section.GetSection("LevelSwitches").GetChildren())
            if (levelSwitch.Value is { Length: > 0 } value && !IsLevel(value))
                problems.Add((prefix + "LevelSwitches:" + levelSwitch.Key, NotALevel(value)));
        CheckMinimumLevel(section.GetSection("MinimumLevel"), prefix + "MinimumLevel", switches, problems);

        foreach (var (key, receiver, what) in Calls)
        {
            var entries = section.GetSection(key).GetChildren().ToList();
            if (entries.Count == 0) continue;
            var methods = Methods(assemblies, receiver);
            foreach (var entry in entries) CheckCall(entry, prefix + key + ":" + entry.Key, what, methods, problems);
        }
        return problems;
    }

    private static void CheckMinimumLevel(IConfigurationSection minimum, string path, HashSet<string> switches, List<(string, string)> problems)
    {
        if (minimum.Value is { Length: > 0 } whole)
        {
            if (!IsLevel(whole)) problems.Add((path, NotALevel(whole)));
            return;
        }
        foreach (var child in minimum.GetChildren())
        {
            switch (child.Key.ToLowerInvariant())
            {
                case "default":
                    if (child.Value is { Length: > 0 } level && !IsLevel(level)) problems.Add((path + ":" + child.Key, NotALevel(level)));
                    break;
                case "controlledby":
                    if (child.Value is { Length: > 0 } name && !switches.Contains(name))
                        problems.Add((path + ":" + child.Key, $"no level switch named '{name}' in LevelSwitches"));
                    break;
                case "override":
                    foreach (var source in child.GetChildren())
                        if (source.Value is { Length: > 0 } value && !IsLevel(value) && !switches.Contains(value))
                            problems.Add((path + ":Override:" + source.Key, NotALevel(value)));
                    break;
                default:
                    problems.Add((path + ":" + child.Key, $"is not a setting of MinimumLevel{Suggestions.DidYouMean(child.Key, ["Default", "ControlledBy", "Override"])}"));
                    break;
            }
        }
    }

    // As Serilog.Settings.Configuration picks a method: by its exact name, then by the arguments given (names in any
    // case); a parameter not given must have a default.
    private static void CheckCall(IConfigurationSection entry, string path, string what, IReadOnlyList<MethodInfo> methods, List<(string, string)> problems)
    {
        var name = entry.Value ?? entry["Name"];
        if (string.IsNullOrWhiteSpace(name))
        {
            if (entry.Value is null) problems.Add((path, $"a {what} needs a Name"));
            return;
        }
        var namePath = entry.Value is null ? path + ":Name" : path;
        var named = methods.Where(m => m.Name == name).ToList();
        if (named.Count == 0)
        {
            var names = methods.Select(m => m.Name).Distinct().Order(StringComparer.Ordinal).ToList();
            var guess = Suggestions.DidYouMean(name, names);
            problems.Add((namePath, $"no {what} named '{name}'{(guess.Length > 0 ? guess : $"; the node has {string.Join(", ", names)}")}"));
            return;
        }
        var given = entry.GetSection("Args").GetChildren().ToList();
        var parameters = named.SelectMany(m => m.GetParameters().Skip(1)).ToList();
        var unknown = false;
        foreach (var argument in given)
        {
            var matching = parameters.Where(p => string.Equals(p.Name, argument.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matching.Count == 0)
            {
                unknown = true;
                var known = parameters.Select(p => p.Name!).Distinct().ToList();
                problems.Add((path + ":Args:" + argument.Key, $"{name} has no argument '{argument.Key}'{Suggestions.DidYouMean(argument.Key, known)}; it takes {string.Join(", ", known)}"));
            }
            else if (matching.All(p => p.ParameterType == typeof(LogEventLevel)) && argument.Value is { Length: > 0 } level && !IsLevel(level))
            {
                problems.Add((path + ":Args:" + argument.Key, NotALevel(level)));
            }
        }
        if (unknown) return;
        var missing = named
            .Select(m => m.GetParameters().Skip(1)
                .Where(p => !p.HasDefaultValue && p.ParameterType != typeof(IConfiguration)
                    && !given.Any(a => string.Equals(a.Key, p.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(p => p.Name!).ToList())
            .OrderBy(m => m.Count)
            .First();
        if (missing.Count > 0) problems.Add((path + ":Args", $"{name} needs {string.Join(" and ", missing)}"));
    }

    private static bool IsLevel(string text) => Enum.TryParse<LogEventLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level);

    private static string NotALevel(string text) => $"'{text}' is not one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}";

    private static Assembly? Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    // The public extension methods of the assemblies' public static classes that configure what receiver is, and the
    // library's own stand-ins for the instance methods of Serilog's configuration (FromLogContext, WithProperty, Sink…).
    private static List<MethodInfo> Methods(IEnumerable<Assembly> assemblies, Type receiver)
    {
        var found = assemblies.Distinct()
            .SelectMany(a => a.ExportedTypes)
            .Where(t => t is { IsSealed: true, IsAbstract: true, IsNested: false })
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute), false) && m.GetParameters() is [var first, ..] && first.ParameterType == receiver)
            .ToList();
        found.AddRange(Surrogates.Where(m => m.GetParameters()[0].ParameterType == receiver));
        return found;
    }

    private static readonly MethodInfo[] Surrogates =
        typeof(Serilog.Settings.Configuration.ConfigurationReaderOptions).Assembly.GetType("Serilog.Settings.Configuration.SurrogateConfigurationMethods")
            ?.GetMethods(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters().Length > 0)
            .ToArray() ?? [];
}
