using Integrations.Runtime;

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

    // Every verb takes the same parameters in the same order: query (the path's placeholders and the query
    // string), then body (for the verbs that send one), then headers.

    /// <summary>GET, with <paramref name="query"/> for the path's placeholders and the query string.</summary>
    public Task<RestResponse> GetAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, query, null, headers);

    /// <summary>DELETE.</summary>
    public Task<RestResponse> DeleteAsync(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Delete, query, null, headers);

    /// <summary>POST <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PostAsync(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, query, body, headers);

    /// <summary>PUT <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PutAsync(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Put, query, body, headers);

    /// <summary>PATCH <paramref name="body"/> as JSON.</summary>
    public Task<RestResponse> PatchAsync(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Patch, query, body, headers);

    /// <summary>Any method.</summary>
    /// <exception cref="OutgoingCallException">The system could not be reached or did not answer in time (502).</exception>
    public Task<RestResponse> SendAsync(HttpMethod method, object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _connections.SendRestAsync(Name, new RestRequest(method, query, body, headers), _context.Scope);

    /// <summary>GET, and the answer read as <typeparamref name="T"/> (see <see cref="RestResponse.As{T}"/>).</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public Task<T> GetAsync<T>(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<T>(HttpMethod.Get, query, null, headers);

    /// <summary>DELETE, and the answer read as <typeparamref name="T"/>.</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public Task<T> DeleteAsync<T>(object? query = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<T>(HttpMethod.Delete, query, null, headers);

    /// <summary>POST <paramref name="body"/> as JSON, and the answer read as <typeparamref name="T"/>.</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public Task<T> PostAsync<T>(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<T>(HttpMethod.Post, query, body, headers);

    /// <summary>PUT <paramref name="body"/> as JSON, and the answer read as <typeparamref name="T"/>.</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public Task<T> PutAsync<T>(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<T>(HttpMethod.Put, query, body, headers);

    /// <summary>PATCH <paramref name="body"/> as JSON, and the answer read as <typeparamref name="T"/>.</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public Task<T> PatchAsync<T>(object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<T>(HttpMethod.Patch, query, body, headers);

    /// <summary>Any method, and the answer read as <typeparamref name="T"/>.</summary>
    /// <exception cref="OutgoingCallException">No answer, a failed one, or one that is not a <typeparamref name="T"/> (502).</exception>
    public async Task<T> SendAsync<T>(HttpMethod method, object? query = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        (await SendAsync(method, query, body, headers).ConfigureAwait(false)).As<T>();
}
