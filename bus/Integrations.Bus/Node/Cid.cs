using System.Security.Cryptography;

namespace Integrations.Bus.Node;

/// <summary>Correlation ids: 20 characters, random, safe in URLs, headers and log lines.</summary>
public static class Cid
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";

    /// <summary>A new correlation id.</summary>
    public static string New()
    {
        Span<byte> random = stackalloc byte[13];
        RandomNumberGenerator.Fill(random);
        return string.Create(20, random.ToArray(), static (chars, bytes) =>
        {
            ulong a = BitConverter.ToUInt64(bytes, 0), b = BitConverter.ToUInt64(bytes, 5);
            for (var i = 0; i < 10; i++) { chars[i] = Alphabet[(int)(a & 31)]; a >>= 5; }
            for (var i = 10; i < 20; i++) { chars[i] = Alphabet[(int)(b & 31)]; b >>= 5; }
        });
    }

    /// <summary>Whether a cid a caller sent may be used as is (short, plain characters).</summary>
    public static bool IsAcceptable(string? cid) =>
        cid is { Length: > 0 and <= 64 } && cid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
