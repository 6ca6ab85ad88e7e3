using System.Diagnostics;
using Integrations.Tests.Integration.Dashboard;
using Integrations.Tests.Integration.Infrastructure;
using Npgsql;

namespace Integrations.Tests.Integration.Readme;

/// <summary>
/// The README, followed as a new user follows it: every runnable block, in order, in a fresh copy of the repository,
/// against the node its own <c>./run.sh --detach</c> starts on the default ports; each command must print what the
/// README shows.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Following_the_readme(Servers servers)
{
    // The schemas the README's nodes use: the test's own in place of the default one, and the one the README names.
    private readonly string _schema = "readme_" + Guid.NewGuid().ToString("N")[..8];
    private static readonly string[] ReadmeSchemas = ["fresh"];

    [Fact]
    public async Task Every_runnable_block_of_the_readme_prints_what_the_readme_shows()
    {
        Assert.True(Ports.IsFree(17010) && Ports.IsFree(8183), "ports 17010 and 8183 must be free: the README's node listens there (./run.sh stop stops a node started from this checkout)");
        var root = Using_the_dashboard.RepositoryRoot();
        var commands = ReadmeSession.Commands(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.True(commands.Count > 20, $"only {commands.Count} runnable commands found in the README");

        var checkout = await FreshCopyAsync(root);
        await DropSchemasAsync();
        try
        {
            var printed = await ReadmeSession.RunAsync(commands, checkout, new Dictionary<string, string> { ["ESB_SCHEMA"] = _schema }, TimeSpan.FromMinutes(10));
            var failures = new List<string>();
            for (var i = 0; i < commands.Count; i++)
            {
                var actual = i < printed.Count ? printed[i] : new ReadmeOutput(["(the command never ran, or never ended)"], -1);
                var why = ReadmeSession.Mismatch(commands[i].Expected, actual.Lines);
                if (actual.ExitCode != commands[i].ExitCode) why = $"it ended with exit code {actual.ExitCode}, not {commands[i].ExitCode}\n{why}";
                if (why is not null)
                    failures.Add($"README.md line {commands[i].Line}: $ {commands[i].Command}\n{why}\nas printed:\n  {string.Join("\n  ", actual.Lines)}");
            }
            Assert.True(failures.Count == 0, $"{failures.Count} of {commands.Count} README commands printed something else:\n\n{string.Join("\n\n", failures)}");
        }
        finally
        {
            await StopNodeAsync(checkout);
            await DropSchemasAsync();
        }
    }

    [Fact]
    public void A_command_that_prints_something_else_is_a_mismatch_and_volatile_parts_are_not()
    {
        var commands = ReadmeSession.Commands("""
            text
            ```console
            $ curl http://127.0.0.1:17010/esb/ping
            {"pong":"esb","node":"vm-6945","cid":"es5dokr7rtrt820dejbu"}
            $ ./esb scheduler runs "Job" \
                  -n 2    # exit code 1
            Job: scheduled, next run 2026-11-28 08:06:13.567
            …
            ```
            ```
            $ not runnable
            ```
            """);
        Assert.Equal(2, commands.Count);
        Assert.Equal("./esb scheduler runs \"Job\" \\\n      -n 2    # exit code 1", commands[1].Command);
        Assert.Equal(0, commands[0].ExitCode);
        Assert.Equal(1, commands[1].ExitCode);
        Assert.Null(ReadmeSession.Mismatch(commands[0].Expected, [$$"""{"pong":"esb","node":"{{Environment.MachineName.ToLowerInvariant()}}-77","cid":"0123456789abcdefghij"}"""]));
        Assert.NotNull(ReadmeSession.Mismatch(commands[0].Expected, ["""{"pong":"other","node":"vm-1","cid":"0123456789abcdefghij"}"""]));
        Assert.Null(ReadmeSession.Mismatch(commands[1].Expected, ["Job: scheduled, next run 2026-12-01 09:00:00.001", "DUE  CID", "a line"]));
        Assert.NotNull(ReadmeSession.Mismatch(commands[1].Expected, ["Job: paused"]));
        Assert.NotNull(ReadmeSession.Mismatch(["one", "two"], ["one"]));
    }

    // What a fresh clone has: the repository's files, no build output, no .esb, no logs.
    private static async Task<string> FreshCopyAsync(string root)
    {
        var copy = Path.Combine(Path.GetTempPath(), "esb-tests", "readme-" + Guid.NewGuid().ToString("N")[..6]);
        var list = Process.Start(new ProcessStartInfo("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var files = (await list.StandardOutput.ReadToEndAsync()).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        await list.WaitForExitAsync();
        foreach (var file in files)
        {
            var source = Path.Combine(root, file);
            if (!File.Exists(source)) continue; // deleted in the working tree
            var target = Path.Combine(copy, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        }
        return copy;
    }

    private static async Task StopNodeAsync(string checkout)
    {
        using var stop = Process.Start(new ProcessStartInfo("bash", [Path.Combine(checkout, "run.sh"), "stop"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        await stop.WaitForExitAsync();
    }

    private async Task DropSchemasAsync()
    {
        await using var connection = new NpgsqlConnection(servers.Postgres);
        await connection.OpenAsync();
        foreach (var schema in ReadmeSchemas.Append(_schema))
        {
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
