using Integrations.Bus.Deployment;

namespace Integrations.Tests.Unit.Deployment;

public sealed class Compiling_services
{
    private const string Greeter = """
        [Service("unit.greet")]
        public sealed class Greet : Service<Greet.Input, Greet.Output>
        {
            public sealed record Input(string? Name);
            public sealed record Output(string Text);
            protected override Task<Output> Handle(Input input, ServiceContext ctx) => Task.FromResult(new Output("Hi " + input.Name));
        }
        """;

    [Fact]
    public void The_compiler_runs_apart_from_the_node_and_never_loads_into_it()
    {
        var (assembly, errors) = ServiceCompiler.Compile("unit-greet", [new("greet.cs", Greeter)]);
        Assert.Empty(errors);
        Assert.Equal("unit-greet", NameOf(assembly!));
        Assert.True(ServiceCompiler.IsRunning);
        var (none, broken) = ServiceCompiler.Compile("unit-broken", [new("broken.cs", "class X { int Y() => \"no\"; }")]);
        Assert.Null(none);
        Assert.Contains(broken, e => e.StartsWith("broken.cs:1:22: error CS0029", StringComparison.Ordinal));
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));

        ServiceCompiler.StopCompiler();
        Assert.False(ServiceCompiler.IsRunning);
        // The next compilation starts it again.
        Assert.Empty(ServiceCompiler.Compile("unit-again", [new("greet.cs", Greeter)]).Errors);
    }

    private static string? NameOf(byte[] assembly)
    {
        var path = Path.Combine(Path.GetTempPath(), $"unit-greet-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(path, assembly);
        try
        {
            return System.Reflection.AssemblyName.GetAssemblyName(path).Name;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
