using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Integrations.Adapters.Admin;
using Integrations.Bus.Node;
using Integrations.Tests.Integration.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.OpenApi;
using Microsoft.Playwright;
using Microsoft.OpenApi.Reader;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Rest;

/// <summary>A price quote: a service whose input has required and optional fields of several types.</summary>
[Service("test.quote")]
public sealed class Quote : Service<Quote.Input, Quote.Output>
{
    public enum Tier { Standard, GoldMember }
    public sealed record Input(string Sku, int Quantity, string? Currency, Tier? CustomerTier);
    public sealed record Output(string Sku, decimal Total, string Currency, IReadOnlyList<string> Notes);

    protected override Task<Output> Handle(Input input, ServiceContext ctx) =>
        Task.FromResult(new Output(input.Sku, input.Quantity * (input.CustomerTier == Tier.GoldMember ? 9m : 10m), input.Currency ?? "EUR",
            [$"caller {ctx.Caller ?? "anonymous"}"]));
}

/// <summary>
/// <c>GET /esb/openapi.json</c>: the REST channels as an OpenAPI 3.1 document that OpenAPI.NET reads without an error,
/// with their paths, methods, security schemes and the services' schemas in snake_case; a client NSwag generates from
/// it calls the channels; it follows the channels as they change; and the admin port serves the admin API's own
/// document and a browsable reference.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Describing_channels_with_openapi(Servers servers)
{
    [Fact]
    public async Task The_document_describes_every_channel_validates_and_a_generated_client_calls_them()
    {
        await using var node = await TestNode.StartAsync(servers, "openapi", o => o.Roles = NodeRoles.All, isolated: true);
        await node.CreateAsync("/admin/security", """{"name":"Partner Key","type":"apikey","header":"X-Partner-Key"}""");
        await node.SetSecretAsync("Partner Key", "k3y");
        await node.CreateAsync("/admin/security", """{"name":"Clerks","type":"basic_auth","username":"clerk"}""");
        await node.SetSecretAsync("Clerks", "pa55");
        await node.CreateAsync("/admin/channels/rest", """{"name":"quote","service":"test.quote","url_path":"/quotes/{sku}","method":"GET","security":"Partner Key"}""");
        await node.CreateAsync("/admin/channels/rest", """{"name":"quote-order","service":"test.quote","url_path":"/quotes","method":"POST","security":"Clerks","rate_limit":"100/m"}""");
        await node.CreateAsync("/admin/channels/rest", """{"name":"hello","service":"demo.hello","url_path":"/hello"}""");

        var text = await node.Channels.GetStringAsync("/esb/openapi.json");
        var document = Read(text);
        Assert.Equal(node.Channels.BaseAddress!.ToString().TrimEnd('/'), document.Servers![0].Url);

        // Paths and methods: one method where the channel has one, GET and POST where it takes any.
        Assert.Equal(["/hello", "/quotes", "/quotes/{sku}"], document.Paths.Keys.Order());
        Assert.Equal([HttpMethod.Get], document.Paths["/quotes/{sku}"].Operations!.Keys);
        Assert.Equal([HttpMethod.Post], document.Paths["/quotes"].Operations!.Keys);
        Assert.Equal([HttpMethod.Get, HttpMethod.Post], document.Paths["/hello"].Operations!.Keys.OrderBy(m => m.Method));

        // Security: the definitions' schemes, each operation asking for its channel's.
        var schemes = document.Components!.SecuritySchemes!;
        Assert.Equal((SecuritySchemeType.ApiKey, ParameterLocation.Header, "X-Partner-Key"),
            (schemes["Partner_Key"].Type!.Value, schemes["Partner_Key"].In!.Value, schemes["Partner_Key"].Name));
        Assert.Equal((SecuritySchemeType.Http, "basic"), (schemes["Clerks"].Type!.Value, schemes["Clerks"].Scheme));
        var get = document.Paths["/quotes/{sku}"].Operations![HttpMethod.Get];
        Assert.Equal("Partner_Key", Assert.Single(Assert.Single(get.Security!).Keys).Reference.Id);
        Assert.Null(document.Paths["/hello"].Operations![HttpMethod.Get].Security);

        // Parameters of a GET: the path's, then the input's other fields in the query, snake_case, required as the service says.
        Assert.Equal([("sku", ParameterLocation.Path, true), ("quantity", ParameterLocation.Query, true),
                ("currency", ParameterLocation.Query, false), ("customer_tier", ParameterLocation.Query, false)],
            get.Parameters!.Select(p => (p.Name!, p.In!.Value, p.Required)));
        Assert.Equal(JsonSchemaType.Integer, get.Parameters!.Single(p => p.Name == "quantity").Schema!.Type);

        // A POST's body: the input's schema, snake_case, enums as the strings the wire carries.
        var post = document.Paths["/quotes"].Operations![HttpMethod.Post];
        var body = post.RequestBody!.Content!["application/json"].Schema!;
        Assert.True(post.RequestBody.Required);
        Assert.Equal(["currency", "customer_tier", "quantity", "sku"], body.Properties!.Keys.Order());
        Assert.Equal(["quantity", "sku"], body.Required!.Order());
        Assert.Contains("gold_member", body.Properties!["customer_tier"].Enum!.Select(e => e?.ToString()));
        var output = post.Responses!["200"].Content!["application/json"].Schema!;
        Assert.Equal(["currency", "notes", "sku", "total"], output.Properties!.Keys.Order());

        // The error answers: the shared ones, the channel's own (its rate limit), the error body's shape.
        Assert.Superset(new HashSet<string> { "200", "400", "401", "403", "404", "413", "415", "429", "500", "502", "503", "504" }, post.Responses.Keys.ToHashSet());
        Assert.DoesNotContain("429", get.Responses!.Keys);
        Assert.Equal(["cid", "error", "status"], document.Components.Schemas!["Error"].Properties!.Keys.Order());

        // A client generated from the document calls the channels, with the credentials the schemes name.
        using var client = new HttpClient { BaseAddress = node.Channels.BaseAddress };
        var generated = Generate(text);
        client.DefaultRequestHeaders.Add("X-Partner-Key", "k3y");
        var quote = await generated.CallAsync(client, "QuoteAsync", "abc-1", 3, "CHF", null);
        Assert.Equal((10 * 3m, "CHF", "abc-1"), (Convert.ToDecimal(generated.Get(quote, "Total")), (string)generated.Get(quote, "Currency"), (string)generated.Get(quote, "Sku")));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("clerk:pa55"u8.ToArray()));
        var order = generated.New("TestQuoteInput", ("Sku", "abc-2"), ("Quantity", 2), ("Customer_tier", generated.Enum("TestQuoteInputCustomer_tier", "Gold_member")));
        var ordered = await generated.CallAsync(client, "QuoteOrderAsync", order);
        Assert.Equal((18m, "caller clerk"), (Convert.ToDecimal(generated.Get(ordered, "Total")), ((IEnumerable<string>)generated.Get(ordered, "Notes")).Single()));
        // A refusal is the generated client's error, with the status the document gave.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("clerk:wrong"u8.ToArray()));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => generated.CallAsync(client, "QuoteOrderAsync", order));
        Assert.Equal(401, (int)generated.Get(refused, "StatusCode"));

        // Made again as the channels change.
        await node.CreateAsync("/admin/channels/rest", """{"name":"later","service":"demo.hello","url_path":"/later","method":"PUT"}""");
        Assert.Contains("/later", Read(await node.Channels.GetStringAsync("/esb/openapi.json")).Paths.Keys);
        await node.Api.SendAsync(HttpMethod.Delete, "/admin/channels/rest/later");
        Assert.DoesNotContain("/later", Read(await node.Channels.GetStringAsync("/esb/openapi.json")).Paths.Keys);
    }

    [Fact]
    public async Task The_admin_port_serves_the_admin_apis_document_the_channels_and_a_browsable_reference()
    {
        await using var node = await TestNode.StartAsync(servers, "openapi-admin", o => o.Roles = NodeRoles.All, isolated: true);
        using var anonymous = new HttpClient { BaseAddress = node.Admin.BaseAddress };

        var admin = Read(await anonymous.GetStringAsync("/openapi/admin.json"));
        Assert.Contains("/admin/services/{name}/invoke", admin.Paths.Keys);
        Assert.Contains("/admin/channels/rest/{name}", admin.Paths.Keys);
        Assert.DoesNotContain(admin.Paths.Keys, p => !p.StartsWith("/admin/", StringComparison.Ordinal) || p.Contains("{path}"));
        Assert.Equal((SecuritySchemeType.Http, "basic"), (admin.Components!.SecuritySchemes!["admin"].Type!.Value, admin.Components.SecuritySchemes["admin"].Scheme));
        Assert.NotEmpty(admin.Security!);

        // The channels' document, its server the channel port.
        var channels = Read(await anonymous.GetStringAsync("/openapi/channels.json"));
        Assert.Equal(node.Channels.BaseAddress!.ToString().TrimEnd('/'), channels.Servers![0].Url);

        // The reference, in a browser: its scripts come from the node itself (no CDN), and it shows the channels.
        await node.CreateAsync("/admin/channels/rest", """{"name":"Quote For Partners","service":"test.quote","url_path":"/quotes/{sku}","method":"GET"}""");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Dashboard.Using_the_dashboard.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);
        page.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };
        await page.GotoAsync(node.Options.AdminUrl + AdminDocuments.ReferencePath);
        await page.GetByText("Integrations: REST channels").First.WaitForAsync(new() { Timeout = 20_000 });
        await page.GetByText("test.quote, through channel Quote For Partners").First.WaitForAsync();
        await Dashboard.Using_the_dashboard.Screenshot(page, "30-openapi-reference");
        Assert.Empty(failed);
    }

    // The document as OpenAPI.NET reads it, failing on any error its reader and its rules find.
    private static OpenApiDocument Read(string json)
    {
        var settings = new OpenApiReaderSettings();
        var result = OpenApiDocument.Parse(json, "json", settings);
        Assert.True(result.Diagnostic!.Errors.Count == 0, "the document has errors: " + string.Join("; ", result.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var rules = result.Document!.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(rules.Count == 0, "the document breaks OpenAPI's rules: " + string.Join("; ", rules.Select(e => $"{e.Pointer}: {e.Message}")));
        return result.Document!;
    }

    // A C# client NSwag generates from the document, compiled.
    private static GeneratedClient Generate(string json)
    {
        var document = NSwag.OpenApiDocument.FromJsonAsync(json).GetAwaiter().GetResult();
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "ChannelsClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = "Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Generated.Channels", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var assembly = new MemoryStream();
        var emitted = compilation.Emit(assembly);
        Assert.True(emitted.Success, "the generated client does not compile: " + string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)) + "\n" + code);
        return new GeneratedClient(Assembly.Load(assembly.ToArray()), code);
    }

    private sealed class GeneratedClient(Assembly assembly, string code)
    {
        private Type Type(string name) => assembly.GetType("Generated." + name) ?? throw new InvalidOperationException($"no class {name} in the generated client:\n{code}");

        public async Task<object> CallAsync(HttpClient http, string method, params object?[] arguments)
        {
            var client = Activator.CreateInstance(Type("ChannelsClient"), http)!;
            var call = Type("ChannelsClient").GetMethods().SingleOrDefault(m => m.Name == method && m.GetParameters().Length == arguments.Length)
                ?? throw new InvalidOperationException($"no method {method} with {arguments.Length} parameters in the generated client:\n{code}");
            var task = (Task)call.Invoke(client, arguments)!;
            await task;
            return task.GetType().GetProperty("Result")!.GetValue(task)!;
        }

        public object New(string type, params (string Name, object Value)[] values)
        {
            var made = Activator.CreateInstance(Type(type))!;
            foreach (var (name, value) in values) made.GetType().GetProperty(name)!.SetValue(made, value);
            return made;
        }

        public object Enum(string type, string value) => System.Enum.Parse(Type(type), value);

        public object Get(object made, string property) =>
            made.GetType().GetProperty(property)?.GetValue(made) ?? throw new InvalidOperationException($"{made.GetType().Name} has no {property}");
    }
}
