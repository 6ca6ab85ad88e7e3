using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using JasperFx;
using Marten;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Bus.Deployment;

/// <summary>One deployment: the sources, who and when, and the services it brought.</summary>
public sealed record ServiceDeployment
{
    /// <summary>The version, zero-padded, as the document's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The version number, growing with every deployment in the cluster.</summary>
    public long Version { get; init; }
    /// <summary>The source files.</summary>
    public IReadOnlyList<SourceFile> Files { get; init; } = [];
    /// <summary>SHA-256 of the sources.</summary>
    public string Hash { get; init; } = "";
    /// <summary>Who deployed it.</summary>
    public string DeployedBy { get; init; } = "";
    /// <summary>When.</summary>
    public DateTimeOffset DeployedAt { get; init; }
    /// <summary>The services it contains.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];
}

/// <summary>A deployment was refused; nothing changed.</summary>
public sealed class DeploymentRejectedException(string message, IReadOnlyList<string> errors) : Exception(message)
{
    /// <summary>Each problem, e.g. <c>hello.cs:3:5: error CS1002: ; expected</c>.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Hot deployment: C# sources compiled on the node that receives them, stored in Marten with a version number,
/// announced on the bus, and loaded by every node into a collectible context of its own — no restart. The newest
/// deployment of a service serves new calls; calls already running finish on the version they started with.
/// Compiled assemblies are cached by the sources' hash in the data directory, so a restart does not recompile.
/// </summary>
public sealed class Deployments(IDocumentStore store, ServiceCatalog catalog, IPublishEndpoint bus, NodeOptions options, ILogger log) : IHostedService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "deploy");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<long, bool> _loaded = new();

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
                Id = version.ToString("D10", System.Globalization.CultureInfo.InvariantCulture),
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
        await ApplyAsync(deployment, cancellation).ConfigureAwait(false);
        await bus.Publish(new ServicesDeployed { Version = deployment.Version, Node = options.NodeName }, cancellation).ConfigureAwait(false);
        return deployment;
    }

    /// <summary>Every deployment, newest first, without sources.</summary>
    public async Task<IReadOnlyList<ServiceDeployment>> HistoryAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<ServiceDeployment>().OrderByDescending(d => d.Version).ToListAsync(cancellation).ConfigureAwait(false);
        return all.Select(d => d with { Files = [.. d.Files.Select(f => f with { Source = "" })] }).ToList();
    }

    /// <summary>Loads the deployment with <paramref name="version"/> on this node (after another node announced it).</summary>
    public async Task LoadAsync(long version, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<ServiceDeployment>(version.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), cancellation).ConfigureAwait(false) is { } deployment)
            await ApplyAsync(deployment, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<ServiceDeployment>().OrderBy(d => d.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var deployment in all) await ApplyAsync(deployment, cancellationToken).ConfigureAwait(false);
        if (all.Count > 0) _log.Information("Loaded {Count} deployments, up to version {Version}", all.Count, all[^1].Version);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ApplyAsync(ServiceDeployment deployment, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (!_loaded.TryAdd(deployment.Version, true)) return;
            var (assembly, errors) = Compiled(deployment.Hash, deployment.Files);
            if (assembly is null)
            {
                _log.Error("Deployment {Version} no longer compiles on this node: {Errors}", deployment.Version, string.Join(" | ", errors));
                return;
            }
            var context = new ServiceLoadContext($"deployment-{deployment.Version}");
            var loaded = context.LoadFromStream(new MemoryStream(assembly));
            foreach (var service in Describe(loaded, $"deployed v{deployment.Version}", out _))
            {
                // An older version arriving late must not replace a newer one.
                if (catalog.TryGet(service.Name, out var current) && VersionOf(current) > deployment.Version) continue;
                catalog.Put(service);
            }
            _log.Information("Deployment {Version} loaded: {Services}", deployment.Version, string.Join(", ", deployment.Services));
        }
        finally
        {
            _gate.Release();
        }
    }

    private static long VersionOf(ServiceDefinition service) =>
        service.Origin.StartsWith("deployed v", StringComparison.Ordinal) && long.TryParse(service.Origin[10..], out var v) ? v : 0;

    private (byte[]? Assembly, IReadOnlyList<string> Errors) Compiled(string hash, IReadOnlyList<SourceFile> files)
    {
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

/// <summary>Loads deployments other nodes made.</summary>
public sealed class ServicesDeployedConsumer(Deployments deployments, NodeOptions node) : IConsumer<ServicesDeployed>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ServicesDeployed> context) =>
        context.Message.Node == node.NodeName ? Task.CompletedTask : deployments.LoadAsync(context.Message.Version, context.CancellationToken);
}
