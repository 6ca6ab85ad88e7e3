namespace Integrations.Bus.Node;

/// <summary>How a node's own listening address is reached from the machine it runs on.</summary>
public static partial class NodeAddress
{
    /// <summary>
    /// <paramref name="url"/> with a host that means every interface (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>)
    /// made the loopback: no one can connect to "every interface". Any other address is given back as it is.
    /// </summary>
    public static string Reachable(string url) => EveryInterface().Replace(url, "${1}127.0.0.1");

    [System.Text.RegularExpressions.GeneratedRegex(@"^(https?://)(0\.0\.0\.0|\[::\]|\+|\*)(?=[:/]|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex EveryInterface();
}
