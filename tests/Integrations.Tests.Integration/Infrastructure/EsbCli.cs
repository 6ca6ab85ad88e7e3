using System.Diagnostics;
using System.Text;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>What one run of the esb command did: its exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>
/// The real esb command, run as a process the way a person runs it: <c>dotnet esb.dll ARGS</c> (the test project
/// references bus/Esb, so esb.dll sits next to the tests), with the admin URL and password in the environment and a
/// working directory of its own, so no .esb folder or ESB_* variable of the machine's leaks in.
/// </summary>
public sealed record EsbCli
{
    public string? AdminUrl { get; init; }
    public string? AdminPassword { get; init; }
    public string WorkingDirectory { get; init; } = NewFolder();

    /// <summary>The command pointed at <paramref name="node"/>'s admin API, with its password.</summary>
    public static EsbCli For(TestNode node) => new() { AdminUrl = node.Options.AdminUrl, AdminPassword = TestNode.AdminPassword };

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esb.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ESB_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        if (AdminUrl is not null) start.Environment["ESB_ADMIN_URL"] = AdminUrl;
        if (AdminPassword is not null) start.Environment["ESB_ADMIN_PASSWORD"] = AdminPassword;

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"esb {string.Join(' ', args)} did not finish within 60 s");
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "esb-tests", "cli-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
