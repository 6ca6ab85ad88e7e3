using System.Text.Json.Nodes;
using Integrations.Compiler;

// The compiler process a node starts while it has sources to compile. One request per line on standard input,
// {"assembly": NAME, "files": [{"name", "source"}…], "references": [PATH…]}; one answer per line on standard output,
// {"assembly": BASE64 or null, "errors": [TEXT…]}. It ends when its input closes: when the node is done with it, or
// gone.
if (args is ["--help" or "-h"])
{
    Console.WriteLine("Integrations.Compiler — compiles service sources for a node: started by the node, one JSON request per line on standard input.");
    return 0;
}
var input = Console.In;
var output = Console.Out;
while (await input.ReadLineAsync() is { } line)
{
    JsonObject answer;
    try
    {
        var request = JsonNode.Parse(line)!.AsObject();
        var files = request["files"]!.AsArray();
        var (assembly, errors) = CSharpSources.Compile(
            (string)request["assembly"]!,
            [.. files.Select(f => (string)f!["name"]!)],
            [.. files.Select(f => (string)f!["source"]!)],
            [.. request["references"]!.AsArray().Select(r => (string)r!)]);
        answer = new JsonObject
        {
            ["assembly"] = assembly is null ? null : Convert.ToBase64String(assembly),
            ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]),
        };
    }
    catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
    {
        answer = new JsonObject { ["assembly"] = null, ["errors"] = new JsonArray($"the compiler could not read its request: {e.Message}") };
    }
    await output.WriteLineAsync(answer.ToJsonString());
    await output.FlushAsync();
}
return 0;
