using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integrations.Admin;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Bus.Security;
using Integrations.Config;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Serilog;
using Integrations.Runtime;

namespace Integrations.Adapters.Http;

/// <summary>
/// Outgoing REST connections as services use them: the URL built from the configured path and the call's
/// parameters, the connection's security applied, retries and a circuit breaker around each call, every call
/// and its answer logged under the cid.
/// </summary>
public sealed partial class RestConnections(ConfigView config, SecurityDefinitions security, OAuthTokens tokens, HttpPool pool, ILogger log)
{
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.General);
    private readonly ConditionalWeakTable<OutgoingRest, HttpClient> _clients = new();
    private readonly ILogger _log = log.ForContext("SourceContext", "rest-out");

    /// <summary>Sends <paramref name="request"/> on the connection named <paramref name="name"/> for the call of <paramref name="context"/>.</summary>
    public async Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope context)
    {
        var connection = config.Find<OutgoingRest>(name)
            ?? throw new ServiceException(500, $"no outgoing REST connection named '{name}'; create it first (esb outgoing-rest create name={name} …)");
        if (!connection.IsActive) throw new OutgoingCallException(name, "the connection is inactive");

        var parameters = Parameters.Of(request.Query);
        var url = BuildUrl(connection, parameters);
        var log = _log.ForContext("Cid", context.Cid);
        log.Information("REST out → cid={Cid}; {Method}; name:{Name}; params={Params}; url={Url}",
            context.Cid, request.Method.Method, name, Parameters.Describe(parameters), url.GetLeftPart(UriPartial.Path));

        var started = Stopwatch.GetTimestamp();
        var client = _clients.GetValue(connection, Client);
        try
        {
            var definition = connection.Security is { } s ? security.Find(s) : null;
            var (response, token) = await SendOnceAsync(client, connection, definition, request, url, context).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null)
            {
                // The token may have been revoked before its time: get a new one and try once more.
                tokens.Drop(definition!, token);
                response.Dispose();
                (response, _) = await SendOnceAsync(client, connection, definition, request, url, context).ConfigureAwait(false);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(context.Cancellation).ConfigureAwait(false);
                log.Information("REST out ← cid={Cid}; {Status} time={Elapsed:0.###}ms; len={Length}",
                    context.Cid, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, text.Length);
                return new RestResponse(name, response.StatusCode, HeadersOf(response), text);
            }
        }
        catch (Exception e) when (Failure(e, connection, url, context.Cancellation) is { } reason)
        {
            log.Warning("REST out ← cid={Cid}; failed time={Elapsed:0.###}ms; {Reason}", context.Cid, Stopwatch.GetElapsedTime(started).TotalMilliseconds, reason);
            throw new OutgoingCallException(name, reason);
        }
    }

    /// <summary>Checks from this server that a connection's system answers: status and time, or why not.</summary>
    public async Task<PingResult> PingAsync(OutgoingRest connection, CancellationToken cancellation)
    {
        var url = new Uri(new Uri(connection.Address), Placeholder().Replace(connection.UrlPath, ""));
        using var http = new HttpClient(connection.TlsVerify ? pool.Verified : pool.Unverified, disposeHandler: false)
        {
            Timeout = TimeSpan.FromSeconds(connection.TimeoutSeconds),
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var method = connection.PingMethod.Equals("GET", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Get : HttpMethod.Head;
            using var response = await SendPingAsync(http, method, url, cancellation).ConfigureAwait(false);
            var status = response.StatusCode;
            if (method == HttpMethod.Head && status is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
            {
                using var retry = await SendPingAsync(http, HttpMethod.Get, url, cancellation).ConfigureAwait(false);
                status = retry.StatusCode;
            }
            return new PingResult(connection.Name, true, (int)status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, url.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            var reason = e is TaskCanceledException ? $"timeout: no answer within {connection.TimeoutSeconds:0.###} s" : HttpFailure.Describe(e, url);
            return new PingResult(connection.Name, false, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, reason, url.ToString());
        }
    }

    private static Task<HttpResponseMessage> SendPingAsync(HttpClient http, HttpMethod method, Uri url, CancellationToken cancellation) =>
        http.SendAsync(new HttpRequestMessage(method, url), HttpCompletionOption.ResponseHeadersRead, cancellation);

    private async Task<(HttpResponseMessage Response, string? Token)> SendOnceAsync(HttpClient client, OutgoingRest connection,
        SecurityDefinition? definition, RestRequest request, Uri url, CallScope context)
    {
        var message = new HttpRequestMessage(request.Method, url);
        message.Headers.TryAddWithoutValidation(HttpAnswers.CidHeader, context.Cid);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Headers is not null)
            foreach (var (header, value) in request.Headers) message.Headers.TryAddWithoutValidation(header, value);
        if (request.Body is not null)
        {
            var json = request.Body as string ?? JsonSerializer.Serialize(request.Body, request.Body.GetType(), BodyJson);
            message.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        string? token = null;
        if (connection.Security is { } name)
        {
            if (definition is null) throw new OutgoingCallException(connection.Name, $"its security definition '{name}' does not exist");
            switch (definition.Type)
            {
                case SecurityDefinition.ApiKey:
                    message.Headers.TryAddWithoutValidation(definition.ApiKeyHeader, security.SecretOf(definition));
                    break;
                case SecurityDefinition.BasicAuth:
                    message.Headers.TryAddWithoutValidation("Authorization", BasicAuth.Header(definition.Username ?? "", security.SecretOf(definition)));
                    break;
                case SecurityDefinition.OAuth:
                    token = await tokens.GetAsync(definition, context.Cancellation).ConfigureAwait(false);
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    break;
                default:
                    throw new OutgoingCallException(connection.Name, $"security definition '{name}' ({definition.Type}) cannot be used for outgoing calls");
            }
        }
        var response = await client.SendAsync(message, context.Cancellation).ConfigureAwait(false);
        return (response, token);
    }

    private static string? Failure(Exception e, OutgoingRest connection, Uri url, CancellationToken cancellation) => e switch
    {
        OutgoingCallException or ServiceException => null,
        OperationCanceledException when cancellation.IsCancellationRequested => null,
        TimeoutRejectedException or TaskCanceledException => $"no answer within {connection.TimeoutSeconds:0.###} s",
        BrokenCircuitException => "calls are paused after repeated failures (circuit breaker open); they resume within 15 s",
        HttpRequestException => HttpFailure.Describe(e, url),
        _ => null,
    };

    private HttpClient Client(OutgoingRest connection)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        var retries = connection.Retries ?? 2;
        if (retries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            };
            // A retried POST or PATCH may act twice; PUT and DELETE are idempotent.
            if (!connection.RetryAllMethods) retry.DisableFor(HttpMethod.Post, HttpMethod.Patch, HttpMethod.Connect);
            pipeline.AddRetry(retry);
        }
        if (connection.CircuitBreaker)
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
            });
        pipeline.AddTimeout(TimeSpan.FromSeconds(connection.TimeoutSeconds));
        var handler = new ResilienceHandler(pipeline.Build()) { InnerHandler = connection.TlsVerify ? pool.Verified : pool.Unverified };
        return new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    internal static Uri BuildUrl(OutgoingRest connection, List<KeyValuePair<string, string>> parameters)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var path = Placeholder().Replace(connection.UrlPath, m =>
        {
            var key = m.Groups[1].Value;
            foreach (var (name, value) in parameters)
            {
                if (!string.Equals(name, key, StringComparison.OrdinalIgnoreCase)) continue;
                used.Add(name);
                return Uri.EscapeDataString(value);
            }
            throw new ServiceException(500, $"{connection.Name}: its URL path {connection.UrlPath} needs {{{key}}}, which the call did not give");
        });
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (used.Contains(name)) continue;
            query.Append(query.Length == 0 ? (path.Contains('?') ? '&' : '?') : '&')
                 .Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return new Uri(connection.Address.TrimEnd('/') + path + query);
    }

    private static Dictionary<string, string> HeadersOf(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers) headers[name] = string.Join(", ", values);
        foreach (var (name, values) in response.Content.Headers) headers[name] = string.Join(", ", values);
        return headers;
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    /// <summary>A call's parameters, from an anonymous object, a record, a dictionary or a JSON object, names as written.</summary>
    internal static class Parameters
    {
        private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

        public static List<KeyValuePair<string, string>> Of(object? query)
        {
            var result = new List<KeyValuePair<string, string>>();
            switch (query)
            {
                case null:
                    break;
                case JsonElement { ValueKind: JsonValueKind.Object } json:
                    foreach (var p in json.EnumerateObject()) result.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary) result.Add(new(entry.Key.ToString()!, Text(entry.Value)));
                    break;
                case IEnumerable<KeyValuePair<string, string>> pairs:
                    result.AddRange(pairs);
                    break;
                default:
                    foreach (var property in Properties.GetOrAdd(query.GetType(), t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
                        if (property.GetIndexParameters().Length == 0) result.Add(new(property.Name, Text(property.GetValue(query))));
                    break;
            }
            return result;
        }

        /// <summary>As the log shows them: <c>{'UserName': 'Mike'}</c>.</summary>
        public static string Describe(List<KeyValuePair<string, string>> parameters) =>
            "{" + string.Join(", ", parameters.Select(p => $"'{p.Key}': '{p.Value}'")) + "}";

        private static string Text(object? value) => value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}
