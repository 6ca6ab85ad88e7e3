using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Primitives;
using Serilog;

namespace Integrations.Bus.Edge;

/// <summary>
/// The channel port's routing table, for ASP.NET Core's routing: every route of every <see cref="IChannelRoutes"/>,
/// rebuilt when an object of their kinds changes in the node's configuration. Every answer gets a fresh cid in
/// <c>X-Esb-Cid</c>. Two routes of one shape (<c>/a/{x}</c>, <c>/a/{y}</c>) can only come from changes racing on two
/// nodes: the first keeps the path, in the order the sources were registered and by name within a kind.
/// </summary>
public sealed class ChannelPortEndpoints : EndpointDataSource
{
    private readonly IReadOnlyList<IChannelRoutes> _sources;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private CancellationTokenSource _changed = new();
    private long _generation;
    private (long Generation, IReadOnlyList<Endpoint> Endpoints)? _built;

    /// <summary>Makes the table of <paramref name="sources"/>, watching <paramref name="view"/> for their kinds.</summary>
    public ChannelPortEndpoints(IEnumerable<IChannelRoutes> sources, ConfigView view, ILogger log)
    {
        _sources = [.. sources];
        _log = log.ForContext("SourceContext", "channel-port");
        var kinds = _sources.Select(s => s.Kind).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (kinds.Count > 0) view.WatchSettled(kinds, Refresh); // an import's channels rebuild the table once
    }

    /// <inheritdoc />
    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                if (_built is { } built && built.Generation == _generation) return built.Endpoints;
                var endpoints = Build();
                _built = (_generation, endpoints);
                return endpoints;
            }
        }
    }

    /// <inheritdoc />
    public override IChangeToken GetChangeToken()
    {
        lock (_gate) return new CancellationChangeToken(_changed.Token);
    }

    private void Refresh()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            _generation++;
            old = _changed;
            _changed = new CancellationTokenSource();
        }
        old.Cancel(); // ASP.NET Core's matcher rebuilds from Endpoints, here, before the change is announced as done
        old.Dispose();
    }

    private List<Endpoint> Build()
    {
        var endpoints = new List<Endpoint>();
        var shapes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in _sources)
            foreach (var route in source.Routes())
            {
                var shape = ChannelPaths.Shape(route.Path);
                if (!shapes.TryAdd(shape, route.Owner))
                {
                    _log.Warning("{Path} of {Owner} is served by {Kept}; change one of them", route.Path, route.Owner, shapes[shape]);
                    continue;
                }
                RoutePattern pattern;
                try
                {
                    pattern = RoutePatternFactory.Parse(route.Path);
                }
                catch (RoutePatternException e)
                {
                    _log.Warning("{Path} of {Owner} is not a path template ({Reason}); it is not served", route.Path, route.Owner, e.Message);
                    continue;
                }
                var handle = route.Handle;
                endpoints.Add(new RouteEndpoint(http =>
                {
                    var cid = Cid.New();
                    http.Response.Headers[HttpAnswers.CidHeader] = cid;
                    return handle(http, cid);
                }, pattern, order: 0, new EndpointMetadataCollection(route), route.Owner));
            }
        return endpoints;
    }
}
