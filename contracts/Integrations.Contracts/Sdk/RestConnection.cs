namespace Integrations;

/// <summary>
/// One outgoing REST connection, as a service uses it. <c>query</c> values fill the URL path's
/// <c>{placeholders}</c>; the rest go to the query string. Bodies are sent as JSON. Every call carries
/// <c>X-Esb-Cid</c>, and is logged with its answer's status, time and length.
/// </summary>
public readonly struct RestConnection
{
    private readonly IOutgoingConnections _connections;
    private readonly ServiceContext _context;

    internal RestConnection(string name, IOutgoingConnections connections, ServiceContext context)
    {
        Name = name;
        _connections = connections;
        _context = context;
    }

    /// <summary>The connection's name.</summary>
    public string Name { get; }

    /// <summary>GET, with <paramref name="query"/> for the path's placeholders and the query string.</summary>
    public Task<RestResponse> GetAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, query, null, headers);

    /// <summary>DELETE.</summary>
    public Task<RestResponse> DeleteAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Delete, query, null, headers);

    /// <summary>POST <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PostAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, query, body, headers);

    /// <summary>PUT <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PutAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Put, query, body, headers);

    /// <summary>PATCH <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PatchAsync(object? body = null, object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Patch, query, body, headers);

    /// <summary>Any method.</summary>
    /// <exception cref="OutgoingCallException">The system could not be reached or did not answer in time (502).</exception>
    public Task<RestResponse> SendAsync(HttpMethod method, object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _connections.SendRestAsync(Name, new RestRequest(method, query, body, headers), _context.Scope);
}
