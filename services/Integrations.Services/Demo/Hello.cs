namespace Integrations.Services.Demo;

/// <summary>Greets the caller by name; with no name, greets a partner.</summary>
[Service("demo.hello")]
public sealed class Hello : Service<Hello.Input, Hello.Output>
{
    public sealed record Input(string? Name);
    public sealed record Output(string Greeting);

    protected override Task<Output> Handle(Input input, ServiceContext ctx)
    {
        var name = string.IsNullOrWhiteSpace(input.Name) ? "partner" : input.Name.Trim();
        ctx.Log.Information("Greeting {Name}", name);
        return Task.FromResult(new Output($"Howdy {name}!"));
    }
}
