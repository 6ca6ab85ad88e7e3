namespace Integrations.Esb.Cli;

/// <summary>Defaults that come from the environment: every option of the CLI may be set as an <c>ESB_*</c> variable.</summary>
internal static class Env
{
    public static string Or(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;

    public static string? Get(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
