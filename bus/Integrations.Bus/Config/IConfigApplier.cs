namespace Integrations.Bus.Config;

/// <summary>Something beyond the config view that a committed change must reach before the change is reported done.</summary>
public interface IConfigApplier
{
    /// <summary>Applies the committed state of <paramref name="kind"/> <paramref name="name"/> (read it from the store; it may be deleted).</summary>
    Task ApplyAsync(string kind, string name, CancellationToken cancellation);
}
