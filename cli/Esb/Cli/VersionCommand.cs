using System.CommandLine;
using System.Runtime.InteropServices;

namespace Integrations.Esb.Cli;

internal static class VersionCommand
{
    public static string Version => typeof(VersionCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version of esb and of the .NET runtime it runs on.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"esb {Version} ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier})");
            return 0;
        });
        return command;
    }
}
