using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Integrations.Tests.Unit.Deployment;

/// <summary>The repository's deployment files (<c>compose/</c>) and what the node's own code says about them.</summary>
internal static partial class DeploymentFiles
{
    /// <summary>The repository's root: the folder of <c>Integrations.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    public static string Compose(string path) => Path.Combine(Root, "compose", path);

    /// <summary>
    /// The environment variables <c>esb serve</c> reads: the <c>ESB_*</c> names in its command and its settings file's
    /// code, read from the source so that a variable added or renamed there is one the manifests may (or must) follow.
    /// </summary>
    public static IReadOnlySet<string> NodeVariables { get; } = ReadNodeVariables();

    /// <summary>Every YAML document of <paramref name="text"/>, as maps, lists and strings.</summary>
    public static List<Dictionary<string, object?>> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => Plain(d.RootNode)).OfType<Dictionary<string, object?>>()];
    }

    /// <summary>The Dockerfile's instructions from its last <c>FROM</c> on (the image that runs), comments dropped, continuations joined.</summary>
    public static List<(string Instruction, string Arguments)> FinalStage(string dockerfile)
    {
        var instructions = new List<(string, string)>();
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue;
            current += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\')) continue;
            if (current.Trim() is { Length: > 0 } whole)
            {
                var space = whole.IndexOf(' ');
                var instruction = (space < 0 ? whole : whole[..space]).ToUpperInvariant();
                if (instruction == "FROM") instructions.Clear();
                instructions.Add((instruction, space < 0 ? "" : Spaces().Replace(whole[(space + 1)..], " ").Trim()));
            }
            current = "";
        }
        return instructions;
    }

    /// <summary>The variables the image sets (<c>ENV A=B C=D</c>).</summary>
    public static Dictionary<string, string> ImageEnvironment(IEnumerable<(string Instruction, string Arguments)> stage) =>
        stage.Where(i => i.Instruction == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

    public static Dictionary<string, object?> Map(this object? node, string key) =>
        node is Dictionary<string, object?> map && map.GetValueOrDefault(key) is Dictionary<string, object?> inner ? inner : [];

    public static List<object?> List(this object? node, string key) =>
        node is Dictionary<string, object?> map && map.GetValueOrDefault(key) is List<object?> inner ? inner : [];

    public static string? Text(this object? node, string key) =>
        node is Dictionary<string, object?> map ? map.GetValueOrDefault(key) as string : null;

    /// <summary>The helm program: ESB_TEST_HELM (./test.sh fetches one), else the one on the PATH, if there is one.</summary>
    public static string? Helm { get; } = Environment.GetEnvironmentVariable("ESB_TEST_HELM") is { Length: > 0 } given ? given
        : (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "helm.exe" : "helm"))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs helm with <paramref name="arguments"/> in the repository's root: its exit code, output and errors.</summary>
    public static (int ExitCode, string Output, string Errors) RunHelm(params string[] arguments)
    {
        var start = new ProcessStartInfo(Helm ?? throw new InvalidOperationException("no helm: ./test.sh fetches one; or put helm on the PATH, or set ESB_TEST_HELM to it"))
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var helm = Process.Start(start)!;
        var output = helm.StandardOutput.ReadToEndAsync();
        var errors = helm.StandardError.ReadToEndAsync();
        if (!helm.WaitForExit(60_000))
        {
            helm.Kill();
            throw new TimeoutException($"helm {string.Join(' ', arguments)} took over a minute");
        }
        return (helm.ExitCode, output.Result, errors.Result);
    }

    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Plain(c.Value)),
        YamlSequenceNode list => list.Children.Select(Plain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Integrations.sln"))) return folder.FullName;
        throw new InvalidOperationException($"no Integrations.sln above {AppContext.BaseDirectory}");
    }

    private static HashSet<string> ReadNodeVariables()
    {
        var cli = Path.Combine(Root, "cli", "Esb", "Cli");
        return [.. new[] { "ServeCommand.cs", "NodeSettings.cs" }
            .SelectMany(file => Variable().Matches(File.ReadAllText(Path.Combine(cli, file))))
            .Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("\"(ESB_[A-Z_]+)\"")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
