using System.CommandLine;
using Integrations.Bus.Edge;

namespace Integrations.Esb.Cli;

internal static class InvokeCommand
{
    public static Command Create()
    {
        var service = new Argument<string>("service") { Description = "The service's name, e.g. demo.hello." };
        var parameters = new Argument<string[]>("parameters")
        {
            Description = "The input: key=value pairs (name=Mike), or one JSON object ('{\"name\":\"Mike\"}').",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var admin = new AdminOptions();
        var command = new Command("invoke", """
            Invoke a service through a node's admin API and print its JSON answer.
            Examples:
              esb invoke demo.hello
              esb invoke demo.hello name=Mike
              esb invoke demo.hello '{"name": "Mike"}'
            """)
        {
            service, parameters,
        };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var args = parse.GetValue(parameters) ?? [];
            var text = args is [var single] && single.TrimStart().StartsWith('{') ? single : string.Join('\n', args);
            if (!InvokeParameters.TryParse(text, out var input, out var error))
            {
                Console.Error.WriteLine($"esb invoke: {error}");
                return 2;
            }
            using var client = admin.Client(parse, "invoke");
            if (client is null) return 2;
            var name = parse.GetValue(service)!;
            var answer = await client.SendAsync(HttpMethod.Post, $"admin/services/{Uri.EscapeDataString(name)}/invoke", input, "invoke", cancellation);
            if (answer is not { } a) return 1;
            if ((int)a.Status >= 400) return client.Failed("invoke", a.Status, a.Body, a.Cid);
            Console.WriteLine(a.Body);
            return 0;
        });
        return command;
    }
}
