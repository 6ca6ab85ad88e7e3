using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using JasperFx;
using Marten;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Deployment;

/// <summary>
/// Hot deployment: C# sources compiled on the node that receives them, stored in Marten with a version number,
/// announced on the bus, and loaded by every node into a collectible context of its own — no restart. The newest
/// deployment of a service serves new calls; calls already running finish on the version they started with.
/// Compiled assemblies are cached by the sources' hash in the data directory, so a restart does not recompile.
/// </summary>
public sealed class Deployments(IDocumentStore store, ServiceCatalog catalog, Backbone.RabbitBackbone backbone, Backbone.Broadcasts broadcasts,
    NodeOptions options, ILogger log) : IHostedService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "deploy");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, (ServiceLoadContext Context, System.Reflection.Assembly Assembly)> _contexts = [];
    private readonly ConcurrentDictionary<string, ServiceDefinition> _builtIn = new(StringComparer.Ordinal);

    /// <summary>Compiles and stores <paramref name="files"/> as a new version, loads it here and announces it.</summary>
    /// <exception cref="DeploymentRejectedException">Compile errors, or no service in the sources; nothing was deployed.</exception>
    public async Task<ServiceDeployment> DeployAsync(IReadOnlyList<SourceFile> files, string who, CancellationToken cancellation)
    {
        if (files.Count == 0) throw new DeploymentRejectedException("nothing to deploy: give one or more .cs files", []);
        var hash = Hash(files);
        var (assembly, errors) = Compiled(hash, files);
        if (assembly is null) throw new DeploymentRejectedException($"{errors.Count} compile error(s); nothing was deployed", errors);
        var services = Describe(assembly, "deployed", out var problems);
        if (problems.Count > 0) throw new DeploymentRejectedException("the sources are not deployable; nothing was deployed", problems);

        ServiceDeployment deployment;
        await using (var session = store.LightweightSession())
        {
            var last = await session.Query<ServiceDeployment>().OrderByDescending(d => d.Version).Select(d => d.Version).FirstOrDefaultAsync(cancellation);
            var version = last + 1;
            deployment = new ServiceDeployment
            {
                Id = IdOf(version),
                Version = version,
                Files = files,
                Hash = hash,
                DeployedBy = who,
                DeployedAt = DateTimeOffset.UtcNow,
                Services = [.. services.Select(s => s.Name).Order(StringComparer.Ordinal)],
            };
            session.Insert(deployment);
            try
            {
                await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
            }
            catch (DocumentAlreadyExistsException)
            {
                throw new DeploymentRejectedException($"another deployment took version {version} at the same moment; deploy again", []);
            }
        }
        await ChangedAsync(cancellation).ConfigureAwait(false);
        return deployment;
    }

    /// <summary>
    /// Compiles <paramref name="files"/> without deploying them: the services they hold, and whether exactly these
    /// sources serve all of them already (then deploying them again would change nothing).
    /// </summary>
    /// <exception cref="DeploymentRejectedException">Compile errors, or no service in the sources.</exception>
    public async Task<(IReadOnlyList<string> Services, bool Serving)> PlanAsync(IReadOnlyList<SourceFile> files, CancellationToken cancellation)
    {
        if (files.Count == 0) throw new DeploymentRejectedException("nothing to deploy: give one or more .cs files", []);
        var hash = Hash(files);
        var (assembly, errors) = Compiled(hash, files);
        if (assembly is null) throw new DeploymentRejectedException($"{errors.Count} compile error(s); nothing was deployed", errors);
        var names = Describe(assembly, "deployed", out var problems).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        if (problems.Count > 0) throw new DeploymentRejectedException("the sources are not deployable; nothing was deployed", problems);
        await using var session = store.QuerySession();
        foreach (var name in names)
        {
            if (!catalog.TryGet(name, out var serving) || !serving.Origin.StartsWith("deployed v", StringComparison.Ordinal)
                || !long.TryParse(serving.Origin[10..], out var version)
                || (await session.LoadAsync<ServiceDeployment>(IdOf(version), cancellation).ConfigureAwait(false))?.Hash != hash)
                return (names, false);
        }
        return (names, true);
    }

    /// <summary>The deployments that serve at least one service now, oldest first, with their sources.</summary>
    public async Task<IReadOnlyList<ServiceDeployment>> ServingAsync(CancellationToken cancellation)
    {
        var versions = catalog.All.Select(s => s.Origin).Where(o => o.StartsWith("deployed v", StringComparison.Ordinal))
            .Select(o => long.TryParse(o[10..], out var v) ? v : -1).Where(v => v > 0).Distinct().Order().ToList();
        await using var session = store.QuerySession();
        var found = new List<ServiceDeployment>();
        foreach (var version in versions)
            if (await session.LoadAsync<ServiceDeployment>(IdOf(version), cancellation).ConfigureAwait(false) is { } deployment) found.Add(deployment);
        return found;
    }

    /// <summary>The source files of the deployment serving <paramref name="service"/>, or null for a built-in service.</summary>
    public async Task<IReadOnlyList<SourceFile>?> SourceOfAsync(ServiceDefinition service, CancellationToken cancellation)
    {
        if (!service.Origin.StartsWith("deployed v", StringComparison.Ordinal) || !long.TryParse(service.Origin[10..], out var version)) return null;
        await using var session = store.QuerySession();
        return (await session.LoadAsync<ServiceDeployment>(IdOf(version), cancellation).ConfigureAwait(false))?.Files;
    }

    /// <summary>Every deployment, newest first, without sources.</summary>
    public async Task<IReadOnlyList<ServiceDeployment>> HistoryAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<ServiceDeployment>().OrderByDescending(d => d.Version).ToListAsync(cancellation).ConfigureAwait(false);
        return all.Select(d => d with { Files = [.. d.Files.Select(f => f with { Source = "" })] }).ToList();
    }

    /// <summary>Serves an earlier deployment of <paramref name="service"/> again.</summary>
    /// <exception cref="DeploymentRejectedException">No such deployment of that service.</exception>
    public async Task RollbackAsync(string service, long version, CancellationToken cancellation)
    {
        await using (var session = store.LightweightSession())
        {
            var deployment = await session.LoadAsync<ServiceDeployment>(IdOf(version), cancellation).ConfigureAwait(false);
            if (deployment is null || !deployment.Services.Contains(service))
                throw new DeploymentRejectedException($"version {version} does not contain {service}; see esb deployments", []);
            session.Store(new ServiceState { Id = service, Version = version, ChangedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        await ChangedAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Stops serving a deployed service: its queue goes away and calls get 404, on every node.</summary>
    /// <exception cref="DeploymentRejectedException">The service was never deployed.</exception>
    public async Task UndeployAsync(string service, CancellationToken cancellation)
    {
        await using (var session = store.LightweightSession())
        {
            if (!await session.Query<ServiceDeployment>().AnyAsync(d => d.Services.Contains(service), cancellation).ConfigureAwait(false))
                throw new DeploymentRejectedException($"{service} was never deployed; built-in services cannot be undeployed", []);
            session.Store(new ServiceState { Id = service, Version = 0, ChangedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        }
        await ChangedAsync(cancellation).ConfigureAwait(false);
        if (!catalog.TryGet(service, out _))
            await backbone.DeleteServiceQueueAsync(ServiceNames.QueueOf(service), cancellation).ConfigureAwait(false);
    }

    /// <summary>Brings this node in line with the stored deployments (after another node announced a change).</summary>
    public async Task SyncAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await using var session = store.QuerySession();
            var deployments = await session.Query<ServiceDeployment>().OrderBy(d => d.Version).ToListAsync(cancellation).ConfigureAwait(false);
            var states = (await session.Query<ServiceState>().ToListAsync(cancellation).ConfigureAwait(false)).ToDictionary(x => x.Id);

            // What each deployed service should be served by: the newest deployment that has it, unless an
            // operator chose a version (rollback) or none (undeploy) after that deployment was made.
            var desired = new Dictionary<string, ServiceDeployment?>(StringComparer.Ordinal);
            foreach (var deployment in deployments)
                foreach (var name in deployment.Services) desired[name] = deployment;
            foreach (var (name, latest) in desired.ToList())
                if (states.TryGetValue(name, out var state) && state.ChangedAt >= latest!.DeployedAt)
                    desired[name] = state.Version == 0 ? null : deployments.FirstOrDefault(d => d.Version == state.Version);

            foreach (var (name, deployment) in desired)
            {
                var origin = deployment is null ? null : $"deployed v{deployment.Version}";
                catalog.TryGet(name, out var current);
                if (current?.Origin == origin) continue;
                if (deployment is null)
                {
                    if (_builtIn.TryGetValue(name, out var builtIn)) catalog.Put(builtIn);
                    else if (current is not null) catalog.Remove(name);
                    _log.Information("{Service} undeployed", name);
                    continue;
                }
                if (LoadType(deployment, name) is { } type)
                {
                    // The queue first: a call sent the moment the service appears waits there for a worker instead of
                    // being dropped by the broker for want of a queue.
                    await backbone.DeclareServiceQueueAsync(ServiceNames.QueueOf(name), cancellation).ConfigureAwait(false);
                    catalog.Put(ServiceDefinition.Describe(type, origin!));
                    _log.Information("{Service} now served by deployment {Version}", name, deployment.Version);
                }
            }
            ReleaseUnused();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var service in catalog.All) _builtIn[service.Name] = service;
        // What other nodes deploy: heard before this node loads what is stored, so nothing falls between the two.
        await broadcasts.On<ServicesDeployed>((_, cancellation) => SyncAsync(cancellation)).WaitAsync(cancellationToken).ConfigureAwait(false);
        await SyncAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ChangedAsync(CancellationToken cancellation)
    {
        await SyncAsync(cancellation).ConfigureAwait(false);
        await backbone.AnnounceAsync(new ServicesDeployed { Node = options.NodeName }, cancellation).ConfigureAwait(false);
    }

    private Type? LoadType(ServiceDeployment deployment, string service)
    {
        if (!_contexts.TryGetValue(deployment.Version, out var loaded))
        {
            var (assembly, errors) = Compiled(deployment.Hash, deployment.Files);
            if (assembly is null)
            {
                _log.Error("Deployment {Version} does not compile on this node: {Errors}", deployment.Version, string.Join(" | ", errors));
                return null;
            }
            var context = new ServiceLoadContext($"deployment-{deployment.Version}");
            loaded = (context, context.LoadFromStream(new MemoryStream(assembly)));
            _contexts[deployment.Version] = loaded;
        }
        return ServiceDefinition.FindIn(loaded.Assembly).FirstOrDefault(t => ServiceNames.Of(t) == service);
    }

    // A version no service is served by any more is unloaded; calls still running on it keep it alive until they end.
    private void ReleaseUnused()
    {
        var inUse = catalog.All.Select(s => s.Origin).ToHashSet(StringComparer.Ordinal);
        foreach (var (version, loaded) in _contexts.ToList())
        {
            if (inUse.Contains($"deployed v{version}")) continue;
            _contexts.Remove(version);
            loaded.Context.Unload();
        }
    }

    private static string IdOf(long version) => version.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    private (byte[]? Assembly, IReadOnlyList<string> Errors) Compiled(string hash, IReadOnlyList<SourceFile> files)
    {
        // A precompiled service assembly travels as one .dll file, base64 in place of source text.
        if (files is [{ Name: var dll, Source: var base64 }] && dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return (Convert.FromBase64String(base64), []);
            }
            catch (FormatException)
            {
                return (null, [$"{dll}: not an assembly (expected its bytes in base64)"]);
            }
        }
        if (files.FirstOrDefault(f => f.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) is { } mixed)
            return (null, [$"{mixed.Name}: deploy an assembly on its own, not with source files"]);
        var cache = Path.Combine(options.DataDirectory, "assemblies", hash + ".dll");
        if (File.Exists(cache)) return (File.ReadAllBytes(cache), []);
        var result = ServiceCompiler.Compile("deployed-" + hash[..12], files);
        if (result.Assembly is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllBytes(cache, result.Assembly);
        }
        return result;
    }

    private static List<ServiceDefinition> Describe(byte[] assembly, string origin, out List<string> problems)
    {
        var context = new ServiceLoadContext("check");
        try
        {
            return Describe(context.LoadFromStream(new MemoryStream(assembly)), origin, out problems);
        }
        catch (BadImageFormatException)
        {
            problems = ["the file is not a .NET assembly"];
            return [];
        }
        finally
        {
            context.Unload();
        }
    }

    private static List<ServiceDefinition> Describe(System.Reflection.Assembly assembly, string origin, out List<string> problems)
    {
        problems = [];
        var services = new List<ServiceDefinition>();
        foreach (var type in ServiceDefinition.FindIn(assembly))
        {
            try
            {
                services.Add(ServiceDefinition.Describe(type, origin));
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }
        if (services.Count == 0 && problems.Count == 0)
            problems.Add("the sources contain no service: a public class deriving from Service<TInput, TOutput>");
        foreach (var duplicate in services.GroupBy(s => s.Name).Where(g => g.Count() > 1))
            problems.Add($"two classes claim the service name '{duplicate.Key}'");
        return services;
    }

    private static string Hash(IReadOnlyList<SourceFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files) text.Append(file.Name).Append('\0').Append(file.Source).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
