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
    /// <summary>The cause of a failure: the exception's type, or the status and the error's first line with the values in it (numbers, quoted text, ids) as "…".</summary>
    public static string Of(int status, string error, string? exception)
    {
        if (exception is { Length: > 0 }) return exception;
        var line = error.Split('\n', 2)[0].Trim();
        line = CidPattern().Replace(line, "cid=…");
        line = IdPattern().Replace(line, "…");
        line = QuotedPattern().Replace(line, m => m.Value[0] + "…" + m.Value[^1]);
        line = NumberPattern().Replace(line, "…");
        return $"{status} {line}";
    }

    /// <summary>The group of a failure of <paramref name="cause"/> in <paramref name="serviceOrChannel"/>: a short id, the same on every node.</summary>
    public static string GroupOf(string serviceOrChannel, string cause) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(serviceOrChannel + "\n" + cause)))[..12];

    [GeneratedRegex(@"cid=[A-Za-z0-9_\-]+")]
    private static partial Regex CidPattern();

    // What a message carried, quoted: 'Ann', "A-17".
    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex QuotedPattern();

    [GeneratedRegex(@"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")]
    private static partial Regex NumberPattern();

    // A GUID, or a long run of hex digits or digits: an id of one message, not of its cause.
    [GeneratedRegex(@"\b(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|\d{6,})\b")]
    private static partial Regex IdPattern();
}
