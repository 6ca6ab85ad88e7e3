using System.CommandLine;
using Integrations.ApiTest;

namespace Integrations.Esb.Cli;

/// <summary><c>esb apitest run|init|demo</c>: API tests written in English.</summary>
internal static class ApiTestCommand
{
    private const string Example = """
        Feature: The node answers

        Scenario: *** Ping ***
            Given address "@config address"
            Given URL path "/esb/ping"
            Given REST method "GET"
            When the URL is invoked
            Then status is "200"
            And path "/pong" is "esb"
            And path "/node" is any string
            And header "X-Esb-Cid" is not empty

        Scenario: *** A path nobody serves ***
            Given address "@config address"
            Given URL path "/no/such/path"
            When the URL is invoked
            Then status is "404"
            And path "/status" is an integer "404"
            And path "/cid" is any string
        """;

    public static Command Create()
    {
        var command = new Command("apitest", "API tests written in English: Gherkin .feature files of Given/When/Then sentences run against HTTP endpoints. The vocabulary is in the README.");
        command.Subcommands.Add(Run());
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Demo());
        return command;
    }

    private static Command Run()
    {
        var paths = new Argument<string[]>("paths") { Description = ".feature files, or folders to search for them.", Arity = ArgumentArity.OneOrMore };
        var tags = new Option<string[]>("--tags") { Description = "Run only scenarios with these tags: @a,@b (any of them), not @slow; repeat for all of several.", AllowMultipleArgumentsPerToken = false };
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to this file, for CI systems." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one request may take.", DefaultValueFactory = _ => 30 };
        var command = new Command("run", """
            Run features: every scenario and step is printed as it runs, a failure with what was expected and what came
            back; the last line is "N passed, N failed" (scenarios). Exit code 1 when any failed.
            Example:
              esb apitest run tests/apitest
            """) { paths, tags, junit, timeout };
        command.SetAction(async (parse, cancellation) =>
        {
            var files = FeatureRunner.Find(parse.GetValue(paths)!, out var missing);
            foreach (var path in missing) Console.Error.WriteLine($"esb apitest run: {path}: no such file or folder");
            if (missing.Count > 0) return 2;
            if (files.Count == 0)
            {
                Console.Error.WriteLine("esb apitest run: no .feature files found");
                return 2;
            }
            using var http = Client(parse.GetValue(timeout));
            var runner = new FeatureRunner(http, Console.Out);
            var filter = new TagFilter(parse.GetValue(tags) ?? []);
            var results = new List<FeatureResult>();
            foreach (var file in files) results.Add(await runner.RunFileAsync(file, filter, cancellation));
            return Finish(results, parse.GetValue(junit));
        });
        return command;
    }

    private static Command Demo()
    {
        var address = new Option<string>("--address") { Description = "The node's channel address (env ESB_CHANNELS_URL).", DefaultValueFactory = _ => Env.Or("ESB_CHANNELS_URL", "http://127.0.0.1:17010") };
        var command = new Command("demo", "Run a built-in feature against a node: its ping, and a path nobody serves. Shows what a run looks like.") { address };
        command.SetAction(async (parse, cancellation) =>
        {
            using var http = Client(30);
            var runner = new FeatureRunner(http, Console.Out);
            var config = ApiTestConfig.Of(new Dictionary<string, string> { ["address"] = parse.GetValue(address)! });
            var result = await runner.RunAsync("demo.feature", Example, Directory.GetCurrentDirectory(), config, new TagFilter([]), cancellation);
            return Finish([result], null);
        });
        return command;
    }

    private static Command Init()
    {
        var folder = new Argument<string>("dir") { Description = "The folder to create (or fill)." };
        var address = new Option<string>("--address") { Description = "The address the example calls.", DefaultValueFactory = _ => "http://localhost:17010" };
        var command = new Command("init", "Make a folder for API tests: apitest.ini (the address) and an example feature that passes against a running node.") { folder, address };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            var ini = Path.Combine(dir, "apitest.ini");
            var feature = Path.Combine(dir, "example.feature");
            foreach (var existing in new[] { ini, feature }.Where(File.Exists))
            {
                Console.Error.WriteLine($"esb apitest init: {existing} exists already; nothing was written");
                return 2;
            }
            Directory.CreateDirectory(dir);
            File.WriteAllText(ini, $"""
                # Values features use as "@config NAME".
                address = {parse.GetValue(address)}

                """);
            File.WriteAllText(feature, Example + Environment.NewLine);
            Console.WriteLine($"wrote {ini} and {feature}; run them with: esb apitest run {dir}");
            return 0;
        });
        return command;
    }

    private static HttpClient Client(double seconds)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(seconds) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("esb-apitest/" + (typeof(ApiTestCommand).Assembly.GetName().Version?.ToString(3) ?? "1"));
        return http;
    }

    private static int Finish(IReadOnlyList<FeatureResult> results, string? junit)
    {
        var passed = results.Sum(f => f.Scenarios.Count(s => s.Passed));
        var failed = results.Sum(f => f.Scenarios.Count(s => !s.Passed)) + results.Count(f => f.Error is not null);
        if (junit is not null)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(junit));
            if (folder is not null) Directory.CreateDirectory(folder);
            using var writer = System.Xml.XmlWriter.Create(junit, new System.Xml.XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), Async = false });
            JUnitReport.Of(results).Save(writer);
        }
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed > 0 ? 1 : 0;
    }
}
