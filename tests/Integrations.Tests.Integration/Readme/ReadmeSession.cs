using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Integrations.Tests.Integration.Readme;

/// <summary>
/// One command of a README block a reader types, with what the README says it prints and the exit code it ends with:
/// 0, unless the command says otherwise in a comment (<c># exit code 1</c>).
/// </summary>
public sealed record ReadmeCommand(int Line, string Command, IReadOnlyList<string> Expected)
{
    public int ExitCode => Regex.Match(Command, @"#\s*exit code (\d+)\s*$") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
}

/// <summary>What one command printed, standard error included, and its exit code.</summary>
public sealed record ReadmeOutput(string[] Lines, int ExitCode);

/// <summary>
/// The README's runnable blocks — fenced as <c>console</c> — read as a reader types them: lines starting with
/// <c>$ </c> are commands (a line ending in <c>\</c> goes on on the next), the lines after each are what it prints.
/// What it prints is compared allowing for what differs from run to run: cids, times, durations, node names, process
/// ids, passwords and how many spaces align a table; <c>…</c> stands for any text, and alone on a line for any lines.
/// </summary>
public static partial class ReadmeSession
{
    /// <summary>The commands of every <c>console</c> block, in order.</summary>
    public static List<ReadmeCommand> Commands(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var commands = new List<ReadmeCommand>();
        var inBlock = false;
        (int Line, StringBuilder Text, List<string> Expected)? current = null;
        void Finish()
        {
            if (current is { } c) commands.Add(new ReadmeCommand(c.Line, c.Text.ToString(), c.Expected));
            current = null;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!inBlock)
            {
                inBlock = line.Trim() == "```console";
                continue;
            }
            if (line.Trim() == "```")
            {
                Finish();
                inBlock = false;
                continue;
            }
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                Finish();
                var text = new StringBuilder(line[2..]);
                while (text.ToString().EndsWith('\\') && i + 1 < lines.Length)
                    text.Append('\n').Append(lines[++i]);
                current = (i + 1, text, []);
                continue;
            }
            current?.Expected.Add(line);
        }
        return commands;
    }

    /// <summary>Why <paramref name="actual"/> is not what <paramref name="expected"/> says; null when it is.</summary>
    public static string? Mismatch(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var want = expected.Select(Normalize).Where(l => l.Length > 0).ToList();
        var got = actual.Select(Normalize).Where(l => l.Length > 0).ToList();
        if (Matches(want, 0, got, 0)) return null;
        return $"expected (as compared):\n  {string.Join("\n  ", want)}\nbut it printed (as compared):\n  {string.Join("\n  ", got)}";
    }

    private static bool Matches(List<string> want, int w, List<string> got, int g)
    {
        if (w == want.Count) return g == got.Count;
        if (want[w] == "…")
        {
            for (var skip = g; skip <= got.Count; skip++)
                if (Matches(want, w + 1, got, skip)) return true;
            return false;
        }
        return g < got.Count && LineMatches(want[w], got[g]) && Matches(want, w + 1, got, g + 1);
    }

    private static bool LineMatches(string want, string got) =>
        want.Contains('…')
            ? Regex.IsMatch(got, "^" + string.Join(".*", want.Split('…').Select(Regex.Escape)) + "$")
            : want == got;

    /// <summary>A line with what differs between runs replaced by a placeholder, and runs of spaces made one.</summary>
    public static string Normalize(string line)
    {
        var text = Ansi().Replace(line, "");
        text = Timestamp().Replace(text, "<time>");
        text = ClockTime().Replace(text, "<time>");
        text = Duration().Replace(text, "<duration>");
        text = CorrelationId().Replace(text, "<cid>");
        text = NodeName().Replace(text, "<node>");
        text = ProcessId().Replace(text, "$1 <n>");
        text = Password().Replace(text, "$1<secret>");
        return Spaces().Replace(text, " ").Trim();
    }

    /// <summary>
    /// Runs <paramref name="commands"/> in one bash session in <paramref name="directory"/>, as a reader types them
    /// one after the other (variables set by one are seen by the next); what each printed, standard error included.
    /// </summary>
    public static async Task<List<ReadmeOutput>> RunAsync(IReadOnlyList<ReadmeCommand> commands, string directory, IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        const string Marker = "@@readme-command@@", Exit = "@@readme-exit@@";
        var script = new StringBuilder("exec 2>&1\n");
        for (var i = 0; i < commands.Count; i++)
            script.Append($"printf '\\n{Marker} {i}\\n'\n{commands[i].Command}\nprintf '\\n{Exit} %d\\n' $?\n");
        var file = Path.Combine(directory, ".readme-session.sh");
        await File.WriteAllTextAsync(file, script.ToString());

        var start = new ProcessStartInfo("bash", ["--noprofile", "--norc", file])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ESB_", StringComparison.Ordinal) || k.StartsWith("My_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        // A reader's terminal: curl shows no progress meter when it prints to one.
        var curl = Path.Combine(directory, ".readme-curl");
        Directory.CreateDirectory(curl);
        await File.WriteAllTextAsync(Path.Combine(curl, ".curlrc"), "no-progress-meter\n");
        start.Environment["CURL_HOME"] = curl;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line) lock (output) output.AppendLine(line);
        });
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await reading;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            string sofar;
            lock (output) sofar = output.ToString();
            var last = Regex.Matches(sofar, Marker + @" (\d+)").LastOrDefault() is { } m ? commands[int.Parse(m.Groups[1].Value)] : null;
            Assert.Fail($"the README's commands did not finish within {limit}" + (last is null ? "" : $"; the last one started was README.md line {last.Line}: {last.Command}") + $"\n{sofar}");
        }

        var printed = new List<ReadmeOutput>();
        var current = new List<string>();
        foreach (var line in output.ToString().Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                current.Clear();
                continue;
            }
            if (line.StartsWith(Exit, StringComparison.Ordinal))
            {
                printed.Add(new ReadmeOutput([.. current], int.Parse(line[(Exit.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
                current.Clear();
                continue;
            }
            current.Add(line);
        }
        return printed;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b\d{2}:\d{2}:\d{2}(\.\d+)?\b")]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"\b\d+(\.\d+)?\s?(ms|µs|s)\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\b[0-9a-v]{20}\b")]
    private static partial Regex CorrelationId();

    // Nodes are named after their machine and process: vm-6945 in the README, this machine's name here.
    private static Regex NodeName() => NodeNames.Value;
    private static readonly Lazy<Regex> NodeNames = new(() => new Regex($@"\b(vm|{Regex.Escape(Environment.MachineName.ToLowerInvariant())})-\d+\b"));

    [GeneratedRegex(@"\b(pid|stopping node) \d+")]
    private static partial Regex ProcessId();

    [GeneratedRegex(@"(password: )\S+")]
    private static partial Regex Password();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
