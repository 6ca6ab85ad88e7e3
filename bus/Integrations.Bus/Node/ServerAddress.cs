using Npgsql;

namespace Integrations.Bus.Node;

/// <summary>Where a node's servers are, for what it prints and logs: never a password.</summary>
public static class ServerAddress
{
    /// <summary>The broker's URL (or each of a cluster's, comma-separated) with its user and password replaced by <c>***</c>.</summary>
    public static string RabbitMq(string url) => string.Join(',', url.Split(',').Select(one => one.Trim()).Select(one =>
        Uri.TryCreate(one, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? one.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal) : one));

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
