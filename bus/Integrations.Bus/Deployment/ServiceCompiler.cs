using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Integrations.Runtime;

namespace Integrations.Bus.Deployment;

/// <summary>
/// Compiles service sources with Roslyn against the service SDK and the assemblies the node has loaded (the .NET
/// runtime, ASP.NET Core, System.Text.Json, Serilog…), with the SDK's usual namespaces imported.
/// </summary>
public static class ServiceCompiler
{
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Text.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Integrations;
        """;

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0 && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default)
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .ToArray());

    /// <summary>The assembly's bytes, or the errors as <c>file:line:col: error CSxxxx: message</c>.</summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Errors) Compile(string assemblyName, IReadOnlyList<SourceFile> files)
    {
        _ = typeof(IService).Assembly; // the SDK is loaded, so it is referenced
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, options, path: f.Name, encoding: Encoding.UTF8))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, options, path: "<global usings>"))
            .ToList();
        var compilation = CSharpCompilation.Create(assemblyName, trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();
        return emitted.Success ? (stream.ToArray(), []) : (null, errors);
    }

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

/// <summary>A collectible context per deployed version: released once no call uses its services any more.</summary>
internal sealed class ServiceLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    // The SDK, the runtime and everything the host has loaded resolve from the host, so types are shared.
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
