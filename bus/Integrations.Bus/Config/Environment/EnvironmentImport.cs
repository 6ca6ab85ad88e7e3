using System.Text.Json.Nodes;
using Integrations.Bus.Deployment;
using Integrations.Bus.Security;
using Integrations.Config;
using Serilog;

namespace Integrations.Bus.Config.Environment;

/// <summary>
/// Imports an environment: every object checked against the others and against what the cluster has, in dependency
/// order (security definitions before the channels and connections that use them; services before the channels and
/// jobs that invoke them), then everything stored in one transaction, or nothing. Importing the same content twice
/// changes nothing the second time.
/// </summary>
public sealed class EnvironmentImport(ConfigKinds kinds, ConfigView view, ConfigRules rules, ConfigStore store,
    SecurityDefinitions security, Deployments deployments, ILogger log)
{
    /// <summary>The kinds an environment holds, in the order they are applied; the names are the YAML sections.</summary>
    public static IReadOnlyList<string> Order => ConfigKinds.Product().Names;

    private readonly ILogger _log = log.ForContext("SourceContext", "config");

    /// <summary>Checks <paramref name="content"/> and, unless <paramref name="dryRun"/>, applies it.</summary>
    /// <param name="content">The environment.</param>
    /// <param name="replace">Delete the objects of every kind that the environment does not name.</param>
    /// <param name="dryRun">Only say what would change.</param>
    /// <param name="who">Who imports, for the deployment history.</param>
    /// <param name="cancellation">Cancels.</param>
    public async Task<EnvironmentChanges> ApplyAsync(EnvironmentContent content, bool replace, bool dryRun, string who, CancellationToken cancellation)
    {
        var errors = new List<EnvironmentError>();
        foreach (var kind in content.Objects.Keys.Where(k => !Order.Contains(k)))
            errors.Add(new(kind, -1, null, null, $"'{kind}' is not a kind of object; the sections are {string.Join(", ", Order)} and services"));

        // Services first: channels and jobs may invoke them.
        IReadOnlyList<string> coming = [];
        var deploy = false;
        if (content.Services.Count > 0)
        {
            try
            {
                var (names, serving) = await deployments.PlanAsync(content.Services, cancellation).ConfigureAwait(false);
                coming = names;
                deploy = !serving;
            }
            catch (DeploymentRejectedException e)
            {
                errors.Add(new("services", -1, null, null, e.Message + (e.Errors.Count > 0 ? ": " + string.Join("; ", e.Errors) : "")));
            }
        }

        var planned = view.Copy();
        var plannedRules = rules.For(planned, coming.ToHashSet(StringComparer.Ordinal));
        var puts = new List<(string Kind, int Index, IConfigObject Value)>();
        foreach (var kind in Order)
        {
            if (!content.Objects.TryGetValue(kind, out var items)) continue;
            if (!kinds.TryGet(kind, out var k)) continue;
            var type = k.Type;
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var fields = (JsonObject)items[i].DeepClone();
                var name = fields["name"] is JsonValue n && n.TryGetValue<string>(out var text) ? text : null;
                string? secret = null;
                if (k.HasSecret && fields.Remove("secret", out var given))
                {
                    if (given is not JsonValue v || !v.TryGetValue(out secret) || secret.Length == 0)
                    {
                        errors.Add(new(kind, i, name, "secret", "must be a non-empty string"));
                        continue;
                    }
                }
                if (fields.ContainsKey("secret_cipher"))
                {
                    errors.Add(new(kind, i, name, "secret_cipher", "is not a field; give the secret itself (password: Esb_Env.NAME in YAML)"));
                    continue;
                }
                if (k.Prepare(fields) is { } unprepared)
                {
                    errors.Add(new(kind, i, name, unprepared.Field, unprepared.Message));
                    continue;
                }
                if (!ConfigJson.TryBind(type, fields, out var value, out var wrong))
                {
                    errors.Add(new(kind, i, name, wrong!.Field, wrong.Message));
                    continue;
                }
                if (seen.TryGetValue(value.Name, out var first))
                {
                    errors.Add(new(kind, i, value.Name, "name", $"'{value.Name}' is named twice in {kind} (first at item {first + 1})"));
                    continue;
                }
                seen[value.Name] = i;
                if (value is SecurityDefinition definition)
                {
                    var existing = view.Find<SecurityDefinition>(definition.Name);
                    if (secret is not null && SecurityDefinitions.SecretProblem(definition, secret) is { } problem)
                    {
                        errors.Add(new(kind, i, value.Name, "secret", problem));
                        continue;
                    }
                    value = security.WithSecret(definition, secret, existing);
                }
                planned.Put(kind, value);
                puts.Add((kind, i, value));
            }
        }

        var deletes = new List<(string Kind, string Name)>();
        if (replace)
            foreach (var kind in Order)
            {
                var named = puts.Where(p => p.Kind == kind).Select(p => p.Value.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var (k, value) in view.Everything().Where(e => e.Kind == kind && !named.Contains(e.Value.Name)).OrderBy(e => e.Value.Name, StringComparer.Ordinal))
                {
                    planned.Remove(k, value.Name);
                    deletes.Add((k, value.Name));
                }
            }

        foreach (var (kind, index, value) in puts)
            foreach (var error in plannedRules.Check(value))
                errors.Add(new(kind, index, value.Name, error.Field, error.Message));
        foreach (var (kind, name) in deletes)
        {
            var gone = view.Everything().First(e => e.Kind == kind && e.Value.Name == name).Value;
            if (plannedRules.UsersOf(gone) is { Count: > 0 } users)
                errors.Add(new(kind, -1, name, null, $"'{name}' would be deleted (not in the file, --replace) but {string.Join(", ", users)} still use it"));
        }

        var created = new List<string>();
        var changed = new List<string>();
        var apply = new List<IConfigObject>();
        var unchanged = 0;
        foreach (var (kind, _, value) in puts)
        {
            var existing = view.Everything().FirstOrDefault(e => e.Kind == kind && e.Value.Name == value.Name).Value;
            if (existing is null) created.Add($"{kind} '{value.Name}'");
            else if (ConfigView.SameContent(existing, value)) { unchanged++; continue; }
            else changed.Add($"{kind} '{value.Name}'");
            apply.Add(value);
        }
        var deployed = deploy ? coming : [];
        var result = new EnvironmentChanges(created, changed, [.. deletes.Select(d => $"{d.Kind} '{d.Name}'")], unchanged, deployed, errors);
        if (!result.Ok || dryRun) return result;

        if (deploy) await deployments.DeployAsync(content.Services, who, cancellation).ConfigureAwait(false);
        if (apply.Count > 0 || deletes.Count > 0) await store.ApplyBatchAsync(apply, deletes, cancellation).ConfigureAwait(false);
        _log.Information("Environment imported by {Who}: {Created} created, {Changed} changed, {Deleted} deleted, {Unchanged} unchanged, {Deployed} services deployed",
            who, created.Count, changed.Count, deletes.Count, unchanged, deployed.Count);
        return result;
    }
}
