using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Integrations.Admin;

/// <summary>
/// The one client of a node's admin API, for the CLI, the dashboard and the tests alike: the routes, the admin login,
/// and the answers as the DTOs of this namespace (<see cref="KindInfo"/>, <see cref="ServiceInfo"/>,
/// <see cref="PingResult"/>, <see cref="JobStatus"/>) or, for what has none, as they came (<see cref="AdminAnswer"/>).
/// </summary>
public sealed class AdminApiClient : IDisposable
{
    /// <summary>The header a node's own dashboard authenticates with instead of the admin password.</summary>
    public const string InternalKeyHeader = "X-Esb-Internal-Key";

    /// <summary>How the admin API's JSON is read: names in snake_case; fields a newer node adds are ignored.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    private readonly HttpClient _http;

    private AdminApiClient(HttpClient http) => _http = http;

    /// <summary>The admin API's address.</summary>
    public Uri Address => _http.BaseAddress!;

    /// <summary>How long a call may take.</summary>
    public TimeSpan Timeout => _http.Timeout;

    /// <summary>A client that logs in as <c>admin</c> with <paramref name="password"/>.</summary>
    public static AdminApiClient WithPassword(string url, string password, TimeSpan timeout, string? userAgent = null)
    {
        var http = Create(url, timeout);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        if (userAgent is not null) http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return new AdminApiClient(http);
    }

    /// <summary>
    /// A client for a node's own dashboard, which authenticates with the node's internal key. Over https:// it trusts
    /// <paramref name="ownCertificate"/>, the node's own admin certificate, besides those the system trusts: a node
    /// talks to itself on an address (127.0.0.1, 0.0.0.0) its certificate does not name, with a certificate the system
    /// may not know (a self-signed one).
    /// </summary>
    public static AdminApiClient WithInternalKey(string url, string key, TimeSpan timeout, System.Security.Cryptography.X509Certificates.X509Certificate2? ownCertificate = null)
    {
        var http = ownCertificate is null ? Create(url, timeout) : Create(url, timeout, new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || presented is not null && presented.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)
                        == ownCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
            },
        });
        http.DefaultRequestHeaders.Add(InternalKeyHeader, key);
        return new AdminApiClient(http);
    }

    private static HttpClient Create(string url, TimeSpan timeout, HttpMessageHandler? handler = null) =>
        new(handler ?? new HttpClientHandler()) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = timeout };

    /// <summary>Sends a request to <paramref name="path"/> (<c>admin/…</c>, with or without a leading slash) and returns the answer as it came.</summary>
    /// <exception cref="HttpRequestException">The node cannot be reached.</exception>
    /// <exception cref="TaskCanceledException">No answer within <see cref="Timeout"/>.</exception>
    public async Task<AdminAnswer> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json",
        CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request, cancellation).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        var cid = response.Headers.TryGetValues("X-Esb-Cid", out var values) ? values.FirstOrDefault() : null;
        return new AdminAnswer((int)response.StatusCode, text, cid, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The kinds of configuration object the node has (<c>GET /admin/kinds</c>).</summary>
    public async Task<IReadOnlyList<KindInfo>> KindsAsync(CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, "admin/kinds", cancellation: cancellation).ConfigureAwait(false)).As<List<KindInfo>>();

    /// <summary>The nodes of the cluster, as their heartbeats say (<c>GET /admin/nodes</c>).</summary>
    public async Task<IReadOnlyList<NodeInfo>> NodesAsync(CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, "admin/nodes", cancellation: cancellation).ConfigureAwait(false)).As<List<NodeInfo>>();

    /// <summary>Every hop of <paramref name="cid"/> the cluster's nodes still keep, the earliest first (<c>GET /admin/trace/{cid}</c>).</summary>
    public async Task<TraceInfo> TraceAsync(string cid, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, $"admin/trace/{Uri.EscapeDataString(cid)}", cancellation: cancellation).ConfigureAwait(false)).As<TraceInfo>();

    /// <summary>The cluster's rates per service and channel over <paramref name="window"/> (<c>5m</c> or <c>1h</c>; <c>GET /admin/stats</c>).</summary>
    public async Task<StatsInfo> StatsAsync(string window = "5m", CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, $"admin/stats?window={Uri.EscapeDataString(window)}", cancellation: cancellation).ConfigureAwait(false)).As<StatsInfo>();

    /// <summary>The services the node has (<c>GET /admin/services</c>).</summary>
    public async Task<IReadOnlyList<ServiceInfo>> ServicesAsync(CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, "admin/services", cancellation: cancellation).ConfigureAwait(false)).As<List<ServiceInfo>>();

    /// <summary>Invokes <paramref name="service"/> with <paramref name="input"/> (JSON or <c>key=value</c> lines) and returns its answer as it came.</summary>
    public Task<AdminAnswer> InvokeAsync(string service, string input, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Post, $"admin/services/{Uri.EscapeDataString(service)}/invoke", input, "text/plain", cancellation);

    /// <summary>Creates a configuration object of the kind kept at <paramref name="kindPath"/> (its <see cref="KindInfo.Path"/>, e.g. <c>/admin/outgoing/rest</c>).</summary>
    public Task<AdminAnswer> CreateAsync(string kindPath, string json, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Post, kindPath, json, cancellation: cancellation);

    /// <summary>Replaces the configuration object <paramref name="name"/> of the kind kept at <paramref name="kindPath"/>.</summary>
    public Task<AdminAnswer> UpdateAsync(string kindPath, string name, string json, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"{kindPath}/{Uri.EscapeDataString(name)}", json, cancellation: cancellation);

    /// <summary>Deletes the configuration object <paramref name="name"/> of the kind kept at <paramref name="kindPath"/>.</summary>
    public Task<AdminAnswer> DeleteAsync(string kindPath, string name, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"{kindPath}/{Uri.EscapeDataString(name)}", cancellation: cancellation);

    /// <summary>The configuration objects of the kind kept at <paramref name="kindPath"/>, as the admin API lists them.</summary>
    public Task<AdminAnswer> ListAsync(string kindPath, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Get, kindPath, cancellation: cancellation);

    /// <summary>Pings the outgoing REST connection <paramref name="name"/> from the node.</summary>
    public async Task<PingResult> PingRestAsync(string name, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Post, $"admin/outgoing/rest/{Uri.EscapeDataString(name)}/ping", cancellation: cancellation).ConfigureAwait(false)).As<PingResult>();

    /// <summary>Where the scheduled job <paramref name="name"/> stands, with its last <paramref name="limit"/> runs.</summary>
    public async Task<JobStatus> JobStatusAsync(string name, int limit = 50, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, $"admin/scheduler/{Uri.EscapeDataString(name)}/runs?limit={limit}", cancellation: cancellation).ConfigureAwait(false)).As<JobStatus>();

    /// <summary>
    /// The failed messages that match <paramref name="filters"/> (<c>state</c>, <c>service</c>, <c>channel</c>, <c>cid</c>,
    /// <c>text</c>, <c>group</c>, <c>since</c>, <c>until</c>, <c>limit</c>, <c>offset</c>), last failed first.
    /// </summary>
    public async Task<FailedMessageList> FailedAsync(IReadOnlyDictionary<string, string>? filters = null, CancellationToken cancellation = default)
    {
        var query = filters is { Count: > 0 } ? "?" + string.Join('&', filters.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")) : "";
        return (await SendAsync(HttpMethod.Get, "admin/failed" + query, cancellation: cancellation).ConfigureAwait(false)).As<FailedMessageList>();
    }

    /// <summary>The groups of failed messages (by service and cause), the largest first.</summary>
    public async Task<IReadOnlyList<FailedGroupInfo>> FailedGroupsAsync(CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, "admin/failed/groups", cancellation: cancellation).ConfigureAwait(false)).As<List<FailedGroupInfo>>();

    /// <summary>One failed message whole.</summary>
    public async Task<FailedMessageDetail> FailedMessageAsync(string id, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Get, $"admin/failed/{Uri.EscapeDataString(id)}", cancellation: cancellation).ConfigureAwait(false)).As<FailedMessageDetail>();

    /// <summary>
    /// Retries, archives or deletes (<paramref name="action"/>: <c>retry</c>, <c>archive</c>, <c>delete</c>) the failed messages
    /// <paramref name="ids"/>, or every failed one of <paramref name="group"/>, or every failed one (<paramref name="all"/>).
    /// </summary>
    public async Task<FailedActionResult> FailedActionAsync(string action, IReadOnlyList<string>? ids = null, string? group = null, bool all = false,
        CancellationToken cancellation = default)
    {
        if ((ids is null ? 0 : 1) + (group is null ? 0 : 1) + (all ? 1 : 0) != 1) throw new ArgumentException("give ids, a group, or all", nameof(ids));
        var body = ids is not null ? JsonSerializer.Serialize(new { ids }, Json) : group is not null ? JsonSerializer.Serialize(new { group }, Json) : """{"all":true}""";
        return (await SendAsync(HttpMethod.Post, $"admin/failed/{action}", body, cancellation: cancellation).ConfigureAwait(false)).As<FailedActionResult>();
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
