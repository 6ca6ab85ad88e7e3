using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Integrations.Compiler;

/// <summary>
/// Compiles C# sources into a library with Roslyn.
/// </summary>
public static class CSharpSources
{
    /// <summary>
    /// The assembly's bytes, or the errors as <c>file:line:col: error CSxxxx: message</c>. <paramref name="names"/>
    /// and <paramref name="sources"/> are the files, in order; <paramref name="references"/> the paths of the
    /// assemblies compiled against.
    /// </summary>
    public static (byte[]? Assembly, string[] Errors) Compile(string assemblyName, string[] names, string[] sources, string[] references)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = names.Zip(sources, (name, source) => CSharpSyntaxTree.ParseText(source, options, path: name, encoding: Encoding.UTF8));
        var compilation = CSharpCompilation.Create(assemblyName, trees, references.Select(Reference),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToArray();
        return emitted.Success ? (stream.ToArray(), []) : (null, errors);
    }

    // Read once for every compilation this process makes.
    private static readonly Dictionary<string, MetadataReference> References = [];

    private static MetadataReference Reference(string path)
    {
        lock (References)
        {
            if (!References.TryGetValue(path, out var reference))
                References[path] = reference = MetadataReference.CreateFromFile(path);
            return reference;
        }
    }

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
