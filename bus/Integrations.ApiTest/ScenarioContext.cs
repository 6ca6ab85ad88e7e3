using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Integrations.ApiTest;

/// <summary>One scenario's request and its response, and the feature's stored values.</summary>
public sealed partial class ScenarioContext(HttpClient http, ApiTestConfig config, string featureDirectory, FeatureState state)
{
    /// <summary>Scheme, host and port.</summary>
    public string? Address { get; set; }
    /// <summary>The URL path.</summary>
    public string Path { get; set; } = "/";
    /// <summary>The method.</summary>
    public string Method { get; set; } = "GET";
    /// <summary>json, xml, form or raw: how the request body is built and sent.</summary>
    public string Format { get; set; } = "json";
    /// <summary>How to read the response when a step compares it whole (json, xml, raw); by default as <see cref="Format"/>.</summary>
    public string? ResponseFormat { get; set; }
    /// <summary>Request headers, in order.</summary>
    public List<(string Name, string Value)> Headers { get; } = [];
    /// <summary>The query string, with or without its leading ?.</summary>
    public string? Query { get; set; }
    /// <summary>The JSON request body built by <c>path … in request is …</c> steps.</summary>
    public JsonNode? Body { get; set; }
    /// <summary>A body given as text or from a file, sent as it is unless a later step changes a path or an XPath in it.</summary>
    public string? RawBody { get; set; }
    /// <summary>The XML request body, once an XPath step changed it.</summary>
    public XDocument? Xml { get; set; }
    /// <summary>Form fields from <c>form field "N" is "V"</c>, in order; a name may repeat.</summary>
    public List<(string Name, string Value)> FormFields { get; } = [];
    /// <summary>Files to upload, by form field, from <c>request file "N" is "FILE"</c>.</summary>
    public List<(string Field, string Path)> Files { get; } = [];
    /// <summary>The SOAP action: a SOAPAction header for SOAP 1.1, the action of the content type for SOAP 1.2.</summary>
    public string? SoapAction { get; set; }

    /// <summary>The response, once the URL was invoked.</summary>
    public HttpResponseMessage? Response { get; private set; }
    /// <summary>The response body's text.</summary>
    public string ResponseText { get; private set; } = "";

    /// <summary>What outlives the scenario.</summary>
    public FeatureState State => state;
    /// <summary>Values stored by earlier steps, by name.</summary>
    public Dictionary<string, JsonNode?> Stored => state.Stored;
    /// <summary>The folder of the feature file, for request and response files.</summary>
    public string FeatureDirectory => featureDirectory;

    private XDocument? _responseXml;

    /// <summary>
    /// What a value in a step stands for: <c>$NAME</c> an environment variable, <c>@config NAME</c> (or <c>@NAME</c>, as
    /// Zato writes it) a value of <c>apitest.ini</c>/<c>apitest.yaml</c>/<c>config.ini</c>, <c>#name</c> a value stored by
    /// an earlier step; <c>${NAME}</c>, <c>@{NAME}</c> and <c>#{name}</c> inside a longer text are replaced the same way.
    /// </summary>
    public string Resolve(string value) => Vocabulary.Text(ResolveValue(value));

    /// <summary>As <see cref="Resolve"/>, but a stored value keeps its JSON type: <c>#id</c> may be a number.</summary>
    public JsonNode? ResolveValue(string value)
    {
        if (value.StartsWith('$') && value.Length > 1 && value[1] != '{')
            return JsonValue.Create(Environment(value[1..]));
        if (value.StartsWith('@') && value.Length > 1 && value[1] != '{')
            return JsonValue.Create(Config(value.StartsWith("@config", StringComparison.Ordinal) && value.Length > 8 && value[7] is ' ' or '.' ? value[8..].Trim() : value[1..]));
        if (value.StartsWith('#') && value.Length > 1 && value[1] != '{')
            return StoredValue(value[1..])?.DeepClone();
        return JsonValue.Create(Interpolated().Replace(value, m => m.Groups["kind"].Value switch
        {
            "$" => Environment(m.Groups["name"].Value),
            "@" => Config(m.Groups["name"].Value),
            _ => Vocabulary.Text(StoredValue(m.Groups["name"].Value)),
        }));
    }

    [GeneratedRegex(@"(?<kind>[$@#])\{(?<name>[^{}]+)\}")]
    private static partial Regex Interpolated();

    private static string Environment(string name) =>
        System.Environment.GetEnvironmentVariable(name) ?? throw new StepFailedException($"the environment variable {name} is not set");

    private string Config(string name) =>
        config.TryGet(name, out var found) ? found
            : throw new StepFailedException(config.Path is null
                ? $"@{name}: no apitest.ini, apitest.yaml or config.ini beside the feature or above it"
                : $"@{name}: {config.Path} has no value named {name}");

    private JsonNode? StoredValue(string name) =>
        state.Stored.TryGetValue(name, out var kept) ? kept
            : throw new StepFailedException($"#{name}: nothing was stored under '{name}' (I store \"…\" under \"{name}\")");

    /// <summary>The JSON request body, for a step that sets a path in it: the body given as text, read as JSON, or a new one.</summary>
    public JsonNode? RequestJson()
    {
        if (Body is null && RawBody is not null)
        {
            try
            {
                Body = JsonNode.Parse(RawBody);
            }
            catch (JsonException e)
            {
                throw new StepFailedException($"the request is not JSON, so a path cannot be set in it: {e.Message}", actual: Shorten(RawBody));
            }
            RawBody = null;
        }
        return Body;
    }

    /// <summary>The XML request body, for a step that sets an XPath in it.</summary>
    public XDocument RequestXml()
    {
        if (Xml is null)
        {
            if (RawBody is null) throw new StepFailedException("there is no XML request to set an XPath in: give one first with request \"FILE\" or request is \"<…>\"");
            Xml = Parse(() => XmlPaths.Parse(RawBody, "the request"));
            RawBody = null;
        }
        return Xml;
    }

    /// <summary>
    /// A file a step names: beside the feature, or where Zato keeps them — <c>json/request/FILE</c>,
    /// <c>xml/response/FILE</c> and so on, in the feature's folder or a folder above it.
    /// </summary>
    public string FindFile(string name, string kind, string format)
    {
        var beside = System.IO.Path.Combine(featureDirectory, name);
        if (File.Exists(beside)) return beside;
        for (var folder = new DirectoryInfo(featureDirectory); folder is not null; folder = folder.Parent)
        {
            var zato = System.IO.Path.Combine(folder.FullName, format, kind, name);
            if (File.Exists(zato)) return zato;
        }
        throw new StepFailedException($"no file {name}: looked beside the feature ({beside}) and in {System.IO.Path.Combine(format, kind)} in its folder and the folders above");
    }

    /// <summary>Sends the request built so far and keeps the response.</summary>
    public async Task InvokeAsync(CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(Address)) throw new StepFailedException("no address: start with Given address \"http://host:port\"");
        var query = string.IsNullOrEmpty(Query) ? "" : Query.StartsWith('?') ? Query : "?" + Query;
        if (!Uri.TryCreate(Address.TrimEnd('/') + (Path.StartsWith('/') ? Path : "/" + Path) + query, UriKind.Absolute, out var url))
            throw new StepFailedException($"'{Address}{Path}{query}' is not a URL");
        var extra = new List<(string Name, string Value)>();
        using var request = new HttpRequestMessage(new HttpMethod(Method), url) { Content = await ContentAsync(extra, cancellation).ConfigureAwait(false) };
        // A header the feature gives wins over the one the format would send (a SOAPAction of its own, say).
        foreach (var (name, value) in extra.Where(e => !Headers.Any(h => h.Name.Equals(e.Name, StringComparison.OrdinalIgnoreCase))).Concat(Headers))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && request.Content is not null)
            {
                if (MediaTypeHeaderValue.TryParse(value, out var type)) request.Content.Headers.ContentType = type;
                else throw new StepFailedException($"header \"Content-Type\" \"{value}\" is not a content type (e.g. application/json)");
            }
            else if (!request.Headers.TryAddWithoutValidation(name, value))
                (request.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            Response = await http.SendAsync(request, cancellation).ConfigureAwait(false);
            ResponseText = await Response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
            _responseXml = null;
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

    private async Task<HttpContent?> ContentAsync(List<(string Name, string Value)> headers, CancellationToken cancellation)
    {
        if (Format != "xml" && SoapAction is not null) headers.Add(("SOAPAction", Quoted(SoapAction)));
        switch (Format)
        {
            case "xml":
                var xml = Xml is not null ? Written(Xml) : RawBody;
                // SOAP says how the action travels: a SOAPAction header in 1.1 (always there, "" when none is given),
                // a parameter of the content type in 1.2.
                var version = Xml is not null ? XmlPaths.SoapVersion(Xml) : xml is null ? null : Version(xml);
                if (xml is null)
                {
                    if (SoapAction is not null) headers.Add(("SOAPAction", Quoted(SoapAction)));
                    return null;
                }
                var content = new StringContent(xml, Encoding.UTF8);
                switch (version)
                {
                    case "1.1":
                        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
                        headers.Add(("SOAPAction", Quoted(SoapAction ?? "")));
                        break;
                    case "1.2":
                        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml; charset=utf-8");
                        if (SoapAction is not null) content.Headers.ContentType.Parameters.Add(new("action", Quoted(SoapAction)));
                        break;
                    default:
                        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/xml; charset=utf-8");
                        if (SoapAction is not null) headers.Add(("SOAPAction", Quoted(SoapAction)));
                        break;
                }
                return content;
            case "form":
                if (Body is null && RawBody is not null && FormFields.Count == 0 && Files.Count == 0)
                    return new StringContent(RawBody, Encoding.UTF8, "application/x-www-form-urlencoded");
                var fields = FormFields.ToList();
                if (RequestJson() is { } body)
                {
                    if (body is not JsonObject named) throw new StepFailedException("a FORM request's paths name its fields: path \"/name\" in request is \"…\"");
                    fields.InsertRange(0, named.Select(f => (f.Key, f.Value switch
                    {
                        null => "",
                        JsonValue v when v.TryGetValue<string>(out var text) => text,
                        var other => other.ToJsonString(),
                    })));
                }
                if (fields.Count == 0 && Files.Count == 0) return null;
                if (Files.Count == 0) return new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
                var multipart = new MultipartFormDataContent();
                foreach (var (name, value) in fields) multipart.Add(new StringContent(value, Encoding.UTF8), name);
                foreach (var (field, path) in Files)
                    multipart.Add(new ByteArrayContent(await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false)), field, System.IO.Path.GetFileName(path));
                return multipart;
            case "raw":
                return RawBody is null ? null : new StringContent(RawBody, Encoding.UTF8, "text/plain");
            default:
                var json = RawBody ?? Body?.ToJsonString();
                return json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        }
    }

    private static string Written(XDocument document) => (document.Declaration is { } d ? d + "\n" : "") + document.ToString(SaveOptions.DisableFormatting);

    private static string? Version(string xml)
    {
        try
        {
            return XmlPaths.SoapVersion(XmlPaths.Parse(xml, "the request"));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Quoted(string action) => action.StartsWith('"') && action.EndsWith('"') && action.Length >= 2 ? action : "\"" + action + "\"";

    /// <summary>The response body as JSON; a step that reads a path fails when it is not JSON.</summary>
    public JsonNode? ResponseJson()
    {
        Answer();
        try
        {
            return JsonNode.Parse(ResponseText);
        }
        catch (JsonException)
        {
            throw new StepFailedException("the response is not JSON", actual: Shorten(ResponseText));
        }
    }

    /// <summary>The response body as XML; a step that reads an XPath fails when it is not XML.</summary>
    public XDocument ResponseXml()
    {
        Answer();
        try
        {
            return _responseXml ??= XmlPaths.Parse(ResponseText, "the response");
        }
        catch (FormatException e)
        {
            throw new StepFailedException(e.Message, actual: Shorten(ResponseText));
        }
    }

    /// <summary>The response; a step that checks it fails when the URL was not invoked yet.</summary>
    public HttpResponseMessage Answer() =>
        Response ?? throw new StepFailedException("the URL has not been invoked yet: add When the URL is invoked");

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new StepFailedException(e.Message);
        }
    }

    /// <summary>Text cut to a readable length for messages.</summary>
    public static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + $"… ({text.Length} characters)";

    /// <summary>Forgets the request and response; what the feature keeps (<see cref="State"/>) stays.</summary>
    public void ResetRequest()
    {
        Path = "/";
        Method = "GET";
        Format = "json";
        ResponseFormat = null;
        Headers.Clear();
        Query = null;
        Body = null;
        RawBody = null;
        Xml = null;
        FormFields.Clear();
        Files.Clear();
        SoapAction = null;
        Response?.Dispose();
        Response = null;
        ResponseText = "";
        _responseXml = null;
    }
}
