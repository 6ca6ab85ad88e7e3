using System.CommandLine;

namespace Integrations.Esb.Cli;

/// <summary>
/// <c>esb completion bash|zsh</c>: a script that completes esb's commands, options and values in the shell, by
/// asking esb itself (System.CommandLine's <c>[suggest]</c> directive) — nothing else to install.
/// </summary>
internal static class CompletionCommand
{
    // The word typed first (esb, ./esb, a path) is given to esb as "esb", the cursor moved with it.
    private const string Bash = """
        # esb completion: source <(esb completion bash)
        _esb_complete() {
          local first=${COMP_WORDS[0]} line=${COMP_LINE#"${COMP_WORDS[0]}"}
          local point=$(( COMP_POINT - ${#first} + 3 ))
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$("$first" "[suggest:$point]" "esb$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _esb_complete esb ./esb
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", """
            Print a script that completes esb's commands and options in your shell. Add to ~/.bashrc:
              source <(esb completion bash)
            or to ~/.zshrc:
              source <(esb completion zsh)
            """)
        {
            shell,
        };
        command.SetAction(parse =>
        {
            Console.WriteLine(parse.GetValue(shell) == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" + Bash : Bash);
            return 0;
        });
        return command;
    }
}
