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
/// references cli/Esb, so esb.dll sits next to the tests), with the admin URL and password in the environment and a
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
        var environment = new Dictionary<string, string>();
        if (AdminUrl is not null) environment["ESB_ADMIN_URL"] = AdminUrl;
        if (AdminPassword is not null) environment["ESB_ADMIN_PASSWORD"] = AdminPassword;
        var (code, output, error) = await EsbProcess.RunAsync(WorkingDirectory, environment, args);
        return new CliRun(code, output, error);
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "esb-tests", "cli-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
