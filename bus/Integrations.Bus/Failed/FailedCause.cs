using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Integrations.Bus.Failed;

/// <summary>
/// How failures are grouped: by the service (or, for what no service ran, the channel) and the cause — the type of the
/// exception the service threw, or the status and the first line of the error with what differs per message (cids,
/// ids) taken out — so a thousand messages failing for one reason are one group.
/// </summary>
public static partial class FailedCause
{
    /// <summary>The cause of a failure.</summary>
    public static string Of(int status, string error, string? exception)
    {
        if (exception is { Length: > 0 }) return exception;
        var line = error.Split('\n', 2)[0].Trim();
        line = CidPattern().Replace(line, "cid=…");
        line = IdPattern().Replace(line, "…");
        return $"{status} {line}";
    }

    /// <summary>The group of a failure of <paramref name="cause"/> in <paramref name="serviceOrChannel"/>: a short id, the same on every node.</summary>
    public static string GroupOf(string serviceOrChannel, string cause) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(serviceOrChannel + "\n" + cause)))[..12];

    [GeneratedRegex(@"cid=[A-Za-z0-9_\-]+")]
    private static partial Regex CidPattern();

    // A GUID, or a long run of hex digits or digits: an id of one message, not of its cause.
    [GeneratedRegex(@"\b(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|\d{6,})\b")]
    private static partial Regex IdPattern();
}
