using System.Text.Json;
using Integrations.Runtime;

namespace Integrations;

/// <summary>
/// A service: one class with a declared input and output and one <see cref="Handle"/> method.
/// </summary>
/// <typeparam name="TInput">
/// A record describing the input. Its members are read from snake_case JSON (<c>user_name</c>);
/// nullable members, and constructor parameters with a default value, are optional. A missing
/// required member is answered with 400 naming it, before <see cref="Handle"/> runs.
/// </typeparam>
/// <typeparam name="TOutput">A record describing the answer, written as snake_case JSON.</typeparam>
/// <example>
/// <code>
/// [Service("demo.hello")]
/// public sealed class Hello : Service&lt;Hello.Input, Hello.Output&gt;
/// {
///     public sealed record Input(string? Name);
///     public sealed record Output(string Greeting);
///
///     protected override Task&lt;Output&gt; Handle(Input input, ServiceContext ctx) =&gt;
///         Task.FromResult(new Output($"Howdy {input.Name ?? "partner"}!"));
/// }
/// </code>
/// </example>
public abstract class Service<TInput, TOutput> : IService
{
    /// <summary>Does the service's work. A new instance runs each call, so fields are per call.</summary>
    protected abstract Task<TOutput> Handle(TInput input, ServiceContext ctx);

    async Task<string> IService.RunAsync(ServiceContext context)
    {
        var bound = ServiceInput.Bind<TInput>(context.Request);
        var output = await Handle(bound, context).ConfigureAwait(false);
        return JsonSerializer.Serialize(output, ServiceJson.For(typeof(TOutput)));
    }
}
