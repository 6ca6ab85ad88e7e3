using System.Text;

namespace Integrations.Bus.Security;

/// <summary>Reads the <c>Authorization: Basic</c> header.</summary>
public static class BasicAuth
{
    /// <summary>Reads user and password; false when the header is missing or not Basic.</summary>
    public static bool TryRead(string? header, out string user, out string password)
    {
        user = password = "";
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = text.IndexOf(':');
        if (colon < 0) return false;
        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    /// <summary>The header value for <paramref name="user"/> and <paramref name="password"/>.</summary>
    public static string Header(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}
