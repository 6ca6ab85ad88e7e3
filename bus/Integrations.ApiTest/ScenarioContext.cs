using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integrations.ApiTest;

/// <summary>A step that did not hold: what was expected and what came back.</summary>
public sealed class StepFailedException(string message, string? expected = null, string? actual = null) : Exception(message)
{
    /// <summary>What the step expected, if it compares.</summary>
    public string? Expected { get; } = expected;
    /// <summary>What came back.</summary>
    public string? Actual { get; } = actual;
}

/// <summary>One scenario's request, its response, and the values steps stored (which outlive the scenario until <c>context is cleaned up</c>).</summary>
public sealed class ScenarioContext(HttpClient http, ApiTestConfig config, string featureDirectory, Dictionary<string, string> stored)
{
    /// <summary>Scheme, host and port.</summary>
    public string? Address { get; set; }
    /// <summary>The URL path.</summary>
    public string Path { get; set; } = "/";
    /// <summary>The method.</summary>
    public string Method { get; set; } = "GET";
    /// <summary>json or form.</summary>
    public string Format { get; set; } = "json";
    /// <summary>Request headers, in order.</summary>
    public List<(string Name, string Value)> Headers { get; } = [];
    /// <summary>The query string, with or without its leading ?.</summary>
    public string? Query { get; set; }
    /// <summary>The request body built by <c>path … in request is …</c> steps.</summary>
    public JsonNode? Body { get; set; }
    /// <summary>A body given as text or from a file, sent as it is.</summary>
    public string? RawBody { get; set; }

    /// <summary>The response, once the URL was invoked.</summary>
    public HttpResponseMessage? Response { get; private set; }
    /// <summary>The response body's text.</summary>
    public string ResponseText { get; private set; } = "";

    /// <summary>Values stored by earlier steps, by name.</summary>
    public Dictionary<string, string> Stored => stored;
    /// <summary>The folder of the feature file, for request files.</summary>
    public string FeatureDirectory => featureDirectory;

    /// <summary>
    /// What a value in a step stands for: <c>$NAME</c> an environment variable, <c>@config NAME</c> (or <c>@config.NAME</c>)
    /// a value of <c>apitest.ini</c>/<c>apitest.yaml</c>, <c>#name</c> a value stored by an earlier step; anything else itself.
    /// </summary>
    public string Resolve(string value)
    {
        if (value.StartsWith('$') && value.Length > 1)
            return System.Environment.GetEnvironmentVariable(value[1..])
                ?? throw new StepFailedException($"the environment variable {value[1..]} is not set");
        if (value.StartsWith("@config", StringComparison.Ordinal) && value.Length > 8 && value[7] is ' ' or '.')
        {
            var name = value[8..].Trim();
            return config.TryGet(name, out var found) ? found
                : throw new StepFailedException(config.Path is null
                    ? $"@config {name}: no apitest.ini or apitest.yaml beside the feature or above it"
                    : $"@config {name}: {config.Path} has no value named {name}");
        }
        if (value.StartsWith('#') && value.Length > 1)
            return stored.TryGetValue(value[1..], out var kept) ? kept
                : throw new StepFailedException($"#{value[1..]}: nothing was stored under '{value[1..]}' (I store \"…\" under \"{value[1..]}\")");
        return value;
    }

    /// <summary>Sends the request built so far and keeps the response.</summary>
    public async Task InvokeAsync(CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(Address)) throw new StepFailedException("no address: start with Given address \"http://host:port\"");
        var query = string.IsNullOrEmpty(Query) ? "" : Query.StartsWith('?') ? Query : "?" + Query;
        if (!Uri.TryCreate(Address.TrimEnd('/') + (Path.StartsWith('/') ? Path : "/" + Path) + query, UriKind.Absolute, out var url))
            throw new StepFailedException($"'{Address}{Path}{query}' is not a URL");
        using var request = new HttpRequestMessage(new HttpMethod(Method), url);
        var body = RawBody ?? (Body is null ? null : Format == "form" ? FormOf(Body) : Body.ToJsonString());
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, Format == "form" ? "application/x-www-form-urlencoded" : "application/json");
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && request.Content is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else if (!request.Headers.TryAddWithoutValidation(name, value))
                (request.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            Response = await http.SendAsync(request, cancellation).ConfigureAwait(false);
            ResponseText = await Response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StepFailedException($"{Method} {url} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new StepFailedException($"{Method} {url} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The response body as JSON; a step that reads a path fails when it is not JSON.</summary>
    public JsonNode? ResponseJson()
    {
        if (Response is null) throw new StepFailedException("the URL has not been invoked yet: add When the URL is invoked");
        try
        {
            return JsonNode.Parse(ResponseText);
        }
        catch (JsonException)
        {
            throw new StepFailedException("the response is not JSON", actual: Shorten(ResponseText));
        }
    }

    /// <summary>Text cut to a readable length for messages.</summary>
    public static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + $"… ({text.Length} characters)";

    /// <summary>Forgets the request and response; stored values stay.</summary>
    public void ResetRequest()
    {
        Path = "/";
        Method = "GET";
        Format = "json";
        Headers.Clear();
        Query = null;
        Body = null;
        RawBody = null;
        Response?.Dispose();
        Response = null;
        ResponseText = "";
    }

    private static string FormOf(JsonNode body)
    {
        if (body is not JsonObject fields) throw new StepFailedException("a FORM request's paths name its fields: path \"/name\" in request is \"…\"");
        return string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            var other => other.ToJsonString(),
        })));
    }
}
