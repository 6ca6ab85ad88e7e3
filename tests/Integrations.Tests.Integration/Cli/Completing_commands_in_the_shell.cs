using System.Diagnostics;

namespace Integrations.Tests.Integration.Cli;

/// <summary><c>source &lt;(esb completion bash)</c>, then Tab: bash completes esb's commands and options.</summary>
public sealed class Completing_commands_in_the_shell
{
    [Fact]
    public async Task The_bash_script_completes_commands_and_options_by_asking_esb()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "esb-tests", "completion-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var esb = Path.Combine(folder, "esb");
        await File.WriteAllTextAsync(esb, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "esb.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(esb, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const string script = """
            source <(./esb completion bash)
            complete_line() { COMP_LINE=$1; COMP_POINT=${#1}; read -ra COMP_WORDS <<< "$1"; [ "${1: -1}" = " " ] && COMP_WORDS+=(""); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _esb_complete; echo "${COMPREPLY[*]}"; }
            complete_line "./esb dep"
            complete_line "./esb deploy --ti"
            complete_line "./esb completion "
            """;
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, output + await bash.StandardError.ReadToEndAsync());
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["deploy deployments", "--timeout"], lines[..2]);
        // An empty word: the argument's values, after the options.
        Assert.EndsWith("--help -? -h /? /h bash zsh", lines[2]);
    }
}
