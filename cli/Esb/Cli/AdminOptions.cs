using System.CommandLine;

namespace Integrations.Esb.Cli;

/// <summary>The options every command that talks to a node shares: where the node is and how long to wait.</summary>
internal sealed class AdminOptions
{
    public Option<string> Url { get; } = new("--url")
    {
        Description = "The admin API of a node (env ESB_ADMIN_URL).",
        DefaultValueFactory = _ => Env.Or("ESB_ADMIN_URL", "http://127.0.0.1:8183"),
    };

    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "Where the node keeps its generated admin password, read when ESB_ADMIN_PASSWORD is not set (env ESB_DATA_DIR).",
        DefaultValueFactory = _ => Env.Or("ESB_DATA_DIR", ".esb"),
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the answer.",
        DefaultValueFactory = _ => 100,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(DataDir);
        command.Options.Add(Timeout);
    }

    public AdminSession? Client(ParseResult parse, string command) =>
        AdminSession.From(parse.GetValue(Url)!, parse.GetValue(DataDir)!, TimeSpan.FromSeconds(parse.GetValue(Timeout)), command);
}
