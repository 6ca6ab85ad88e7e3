using Integrations.Bus.Edge;
using Integrations.Bus.Services;
using Integrations.Config;
using Integrations.Runtime;

namespace Integrations.Bus.Config;

/// <summary>
/// What makes a configuration object acceptable, checked before anything is stored, whichever way the change comes
/// (admin API, CLI, dashboard, YAML): its name, its references to other objects (from its kind's declaration), then
/// its kind's own rules — and, for an object others refer to, that it still suits them.
/// </summary>
public sealed class ConfigRules(ConfigView view, ServiceCatalog catalog, NodeEndpoints nodeEndpoints, ConfigKinds kinds)
{
    private IReadOnlySet<string> _coming = new HashSet<string>();

    /// <summary>
    /// The same rules against a configuration that is not the node's yet: <paramref name="planned"/> (the view with a
    /// batch of changes laid over it), with <paramref name="comingServices"/> counted as existing.
    /// </summary>
    public ConfigRules For(ConfigView planned, IReadOnlySet<string> comingServices) =>
        new(planned, catalog, nodeEndpoints, kinds) { _coming = comingServices };

    /// <summary>The configuration the rules look at.</summary>
    public ConfigView View => view;

    /// <summary>The node's own endpoints on the channel port, which no channel may take.</summary>
    public NodeEndpoints NodeEndpoints => nodeEndpoints;

    /// <summary>Whether a service of that name exists, or comes with the change being checked.</summary>
    public bool ServiceExists(string name) => catalog.TryGet(name, out _) || _coming.Contains(name);

    /// <summary>The problems of <paramref name="value"/>; empty when it may be stored.</summary>
    public IReadOnlyList<FieldError> Check(IConfigObject value)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(value.Name)) errors.Add(new("name", "is required"));
        else if (value.Name.Length > 200 || value.Name.Any(char.IsControl) || value.Name != value.Name.Trim())
            errors.Add(new("name", "must be at most 200 characters, without control characters or surrounding spaces"));

        var kind = kinds.Of(value.GetType());
        foreach (var reference in kind.References.Where(r => r.When(value)))
        {
            var name = reference.Value(value);
            if (string.IsNullOrWhiteSpace(name))
            {
                if (reference.Required) errors.Add(new(reference.Field, $"is required: {Article(Singular(reference.Target))}"));
                continue;
            }
            if (reference.Target == ConfigReference.Service)
            {
                if (!ServiceExists(name)) errors.Add(new(reference.Field, catalog.NoSuchService(name, _coming)));
                continue;
            }
            var target = view.Find(reference.Target, name);
            if (target is null) errors.Add(new(reference.Field, $"no {Singular(reference.Target)} named '{name}'" + Suggestions.DidYouMean(name, view.All(reference.Target).Select(o => o.Name))));
            else if (reference.Refuse?.Invoke(target) is { } why) errors.Add(new(reference.Field, $"'{name}' {why}"));
        }

        // An object others use must stay usable by them.
        foreach (var reference in kinds.ReferencesTo(kind.Name).Where(r => r.Refuse is not null))
            foreach (var user in view.All(reference.From.Name).Where(u => reference.NameIn(u) == value.Name))
                if (reference.Refuse!(value) is { } why)
                    errors.Add(new(FieldOfRefusal(kind), $"{reference.From.Name} '{user.Name}' uses it as its {reference.Field}, and it {why}"));

        kind.Check(value, this, errors);
        return errors;
    }

    /// <summary>The objects that refer to <paramref name="value"/>, which must go or change before it may be deleted.</summary>
    public IReadOnlyList<string> UsersOf(IConfigObject value)
    {
        var kind = ConfigKinds.NameOf(value.GetType());
        return [.. kinds.ReferencesTo(kind)
            .SelectMany(r => view.All(r.From.Name).Where(u => r.NameIn(u) == value.Name).Select(u => $"{r.From.Name} '{u.Name}'"))
            .Distinct()];
    }

    // What a refusal is about, on the object refused: a security definition is refused for its type.
    private static string FieldOfRefusal(ConfigKind kind) => kind.Fields.Any(f => f.Name == "type") ? "type" : "name";

    private string Singular(string kind) => kinds.TryGet(kind, out var k) ? k.Singular : kind;

    private static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(noun[0]) ? "an " + noun : "a " + noun;
}
