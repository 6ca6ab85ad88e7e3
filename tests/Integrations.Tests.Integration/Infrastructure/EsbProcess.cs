using System.Diagnostics;
using System.Text;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>
/// The real <c>esb</c> command, run as a process the way a user runs it (<c>dotnet esb.dll …</c> from the test's
/// output folder): for what only the command line does — reading its options and environment, printing, exit codes.
/// </summary>
public sealed class EsbProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();

    private EsbProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_out) return _out.ToString(); } }
    public string Error { get { lock (_err) return _err.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>esb ARGS</c> in <paramref name="directory"/> with only the ESB_ variables given (none inherited).</summary>
    public static EsbProcess Start(string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esb.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ESB_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        Directory.CreateDirectory(directory);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        return new EsbProcess(process);
    }

    /// <summary>Runs <c>esb ARGS</c> to its end: exit code, standard output, standard error.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = Start(directory, environment, args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, process.Output, process.Error);
    }

    /// <summary>Kills it as a crash would (SIGKILL): nothing of its own shutdown runs.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"esb did not end within {limit}; it printed:\n{Output}\n{Error}");
        }
        _process.WaitForExit(); // the output's last lines
    }

    /// <summary>A node started this way: its channel port answers ping (asked with <paramref name="client"/>, when given: one that trusts its certificate).</summary>
    public async Task WaitUntilServingAsync(string channelsUrl, TimeSpan limit, HttpClient? client = null)
    {
        using var own = client is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(2) } : null;
        var http = client ?? own!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"esb ended with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}\n{Error}");
            try
            {
                if ((await http.GetAsync(channelsUrl + "/esb/ping")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(clock.Elapsed < limit, $"the node did not answer within {limit}:\n{Output}\n{Error}");
            await Task.Delay(200);
        }
    }

    /// <summary>Stops it as Ctrl-C would (SIGINT), then waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) interrupt.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
