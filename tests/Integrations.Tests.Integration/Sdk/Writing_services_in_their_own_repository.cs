using System.Diagnostics;
using System.Reflection;
using Integrations.Tests.Integration.Infrastructure;
using static Integrations.Tests.Integration.Dashboard.Using_the_dashboard;

namespace Integrations.Tests.Integration.Sdk;

/// <summary>
/// The README's second way of writing services, as a team does it in a repository of its own: the packed SDK,
/// template and tool (<c>dotnet pack Integrations.sln -o DIR</c>); <c>dotnet new esb-service</c>; <c>dotnet test</c>
/// restoring from DIR alone; <c>esb deploy</c> of the project's folder to a node, which then runs the service; and the
/// esb command installed as a .NET tool.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Writing_services_in_their_own_repository(Servers servers)
{
    private static readonly string Version = typeof(Integrations.Service<,>).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [Fact]
    public async Task A_project_made_from_the_template_tests_green_against_the_packed_sdk_deploys_and_answers()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "esb-tests", "own-repo-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var packages = await PackagesAsync(work);
        Assert.True(File.Exists(Path.Combine(packages, $"Integrations.Sdk.{Version}.nupkg")), $"no Integrations.Sdk {Version} in {packages}");
        // A package of this version restored before (an earlier run) would be used instead of the one just packed.
        foreach (var id in new[] { "integrations.sdk", "integrations.esb" })
            DeleteIfThere(Path.Combine(NuGetPackagesFolder(), id, Version));

        var hive = Path.Combine(work, "template-hive");
        await RunAsync(work, "dotnet", "new", "install", Path.Combine(packages, $"Integrations.Templates.{Version}.nupkg"), "--debug:custom-hive", hive);
        await RunAsync(work, "dotnet", "new", "esb-service", "-n", "Acme.Orders", "--debug:custom-hive", hive);
        var project = Path.Combine(work, "Acme.Orders");
        Assert.True(File.Exists(Path.Combine(project, "src", "Acme.Orders", "Acme.Orders.csproj")));
        Assert.Contains("[Service(\"acme.orders.greet\")]", await File.ReadAllTextAsync(Path.Combine(project, "src", "Acme.Orders", "Greet.cs")));
        // The packed folder as the only package source, as the README shows.
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="integrations" value="{packages}" />
              </packageSources>
            </configuration>
            """);

        var tested = await RunAsync(project, "dotnet", "test");
        Assert.Contains("Passed!  - Failed:     0, Passed:     2", tested);

        await using var node = await TestNode.StartAsync(servers, "own-repo");
        var cli = EsbCli.For(node);
        var deployed = await cli.RunAsync("deploy", Path.Combine(project, "src", "Acme.Orders"));
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        Assert.Contains(deployed.OutLines, l => l.StartsWith("deploying ", StringComparison.Ordinal) && l.EndsWith("Acme.Orders.dll", StringComparison.Ordinal));
        Assert.Contains(deployed.OutLines, l => l.EndsWith(": acme.orders.greet", StringComparison.Ordinal));
        // The service runs on the node: it checks its input before it calls the CRM.
        var invoked = await cli.RunAsync("invoke", "acme.orders.greet", "{}");
        Assert.Equal(1, invoked.ExitCode);
        Assert.Contains("400 customer is required", invoked.Err);
        var notAProject = await cli.RunAsync("deploy", project);
        Assert.Equal(2, notAProject.ExitCode);
        Assert.Contains("no project (.csproj) in this folder", notAProject.Err);

        // The esb command as a .NET tool, from the same folder.
        var tools = Path.Combine(work, "tools");
        await RunAsync(work, "dotnet", "tool", "install", "Integrations.Esb", "--tool-path", tools, "--add-source", packages, "--version", Version);
        var version = await RunAsync(work, Path.Combine(tools, "esb"), "--version");
        Assert.StartsWith(Version, version.Trim());
        Assert.Contains("esb deploy src/Acme.Orders", await RunAsync(work, Path.Combine(tools, "esb"), "deploy", "--help"));
        Directory.Delete(work, recursive: true);
    }

    // test.sh packs once after its build (ESB_TEST_PACKAGES); run alone, the test packs the three packages itself.
    private static async Task<string> PackagesAsync(string work)
    {
        if (Environment.GetEnvironmentVariable("ESB_TEST_PACKAGES") is { Length: > 0 } packed) return packed;
        var folder = Path.Combine(work, "packages");
        foreach (var project in new[] { "contracts/Integrations.Contracts", "templates/Integrations.Templates", "cli/Esb" })
            await RunAsync(RepositoryRoot(), "dotnet", "pack", project, "-c", "Release", "-o", folder, "-nologo");
        return folder;
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void DeleteIfThere(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    // Runs a command to its end and returns what it printed; a failure shows all of it.
    private static async Task<string> RunAsync(string directory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ESB_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(limit.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} (in {directory}) ended with {process.ExitCode}:\n{output}");
        return output.ToString();
    }
}
