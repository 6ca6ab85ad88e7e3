using Npgsql;

namespace Integrations.Bus.Node;

/// <summary>Where a node's servers are, for what it prints and logs: never a password.</summary>
public static class ServerAddress
{
    /// <summary>The broker's URL with its user and password replaced by <c>***</c>.</summary>
    public static string RabbitMq(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal) : url;

    /// <summary>The database's host, port and name (<c>127.0.0.1:5432/esb</c>), or the connection string with its password replaced by <c>***</c>.</summary>
    public static string Postgres(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return System.Text.RegularExpressions.Regex.Replace(connectionString, "(?i)(password|pwd)=[^;]*", "$1=***");
        }
    }
}
