using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Integrations.Runtime;

namespace Integrations.Bus.Deployment;

/// <summary>
/// Compiles service sources with Roslyn against the service SDK and the assemblies the node has loaded (the .NET
/// runtime, ASP.NET Core, System.Text.Json, Serilog…), with the SDK's usual namespaces imported. The compiler runs
/// in a process of its own (<c>Integrations.Compiler</c>), started by the first compilation and stopped once none
/// came for <see cref="KeepRunning"/>: loaded, Roslyn costs well over a hundred megabytes, and the node keeps none of it.
/// </summary>
public static class ServiceCompiler
{
    /// <summary>How long the compiler process stays up after its last compilation (deployments tend to come in runs).</summary>
    public static TimeSpan KeepRunning { get; set; } = TimeSpan.FromSeconds(30);

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Text.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.Extensions.Logging;
        global using Integrations;
        """;

    private static readonly Lock Gate = new();
    private static Process? _compiler;
    private static Timer? _stop;

    /// <summary>Whether the compiler process is running right now.</summary>
    public static bool IsRunning { get { lock (Gate) return _compiler is { HasExited: false }; } }

    /// <summary>The assembly's bytes, or the errors as <c>file:line:col: error CSxxxx: message</c>.</summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Errors) Compile(string assemblyName, IReadOnlyList<SourceFile> files)
    {
        // What the global usings name is referenced whatever the process happened to load before: the SDK, HTTP, JSON, logging.
        _ = new[] { typeof(IService).Assembly, typeof(HttpClient).Assembly, typeof(System.Text.Json.JsonSerializer).Assembly,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly };
        var request = new JsonObject
        {
            ["assembly"] = assemblyName,
            ["files"] = new JsonArray([.. files.Append(new SourceFile("<global usings>", GlobalUsings))
                .Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["source"] = f.Source })]),
            ["references"] = new JsonArray([.. AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => !a.IsDynamic && a.Location.Length > 0 && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default)
                .Select(a => a.Location).Distinct().Select(l => (JsonNode)l)]),
        }.ToJsonString();
        lock (Gate) // one compilation at a time: each takes both cores of a small machine anyway
        {
            _stop?.Dispose();
            try
            {
                // A compiler that stopped (killed, out of memory) is started again once.
                for (var attempt = 1; ; attempt++)
                {
                    var compiler = _compiler is { HasExited: false } running ? running : _compiler = Start();
                    try
                    {
                        compiler.StandardInput.WriteLine(request);
                        compiler.StandardInput.Flush();
                        if (compiler.StandardOutput.ReadLine() is { } line) return Answer(line);
                    }
                    catch (IOException) when (attempt == 1)
                    {
                    }
                    Stop();
                    if (attempt == 2) return (null, ["the compiler stopped while compiling; nothing was deployed; try again"]);
                }
            }
            finally
            {
                _stop = new Timer(_ => { lock (Gate) Stop(); }, null, KeepRunning, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Stops the compiler process now (the next compilation starts it again).</summary>
    public static void StopCompiler()
    {
        lock (Gate) Stop();
    }

    private static (byte[]?, IReadOnlyList<string>) Answer(string line)
    {
        var answer = JsonNode.Parse(line)!.AsObject();
        var errors = answer["errors"]!.AsArray().Select(e => (string)e!).ToList();
        return answer["assembly"] is { } assembly ? (Convert.FromBase64String((string)assembly!), []) : (null, errors);
    }

    private static Process Start()
    {
        var folder = Path.GetDirectoryName(typeof(ServiceCompiler).Assembly.Location)!;
        // The same runtime as this node's: the dotnet host three folders above the shared framework it runs on.
        var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..",
            OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        var start = new ProcessStartInfo(File.Exists(dotnet) ? dotnet : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardInputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        start.ArgumentList.Add(Path.Combine(folder, "Integrations.Compiler.dll"));
        return Process.Start(start) ?? throw new InvalidOperationException("the compiler process did not start");
    }

    private static void Stop()
    {
        _stop?.Dispose();
        _stop = null;
        if (_compiler is null) return;
        try
        {
            _compiler.StandardInput.Close(); // its input ends: it exits
            if (!_compiler.WaitForExit(5000)) _compiler.Kill();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
        _compiler.Dispose();
        _compiler = null;
    }
}

/// <summary>A collectible context per deployed version: released once no call uses its services any more.</summary>
internal sealed class ServiceLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    // The SDK, the runtime and everything the host has loaded resolve from the host, so types are shared.
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
