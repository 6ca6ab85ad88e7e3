using RabbitMQ.Client;

namespace Integrations.Bus.Node;

/// <summary>
/// Where a RabbitMQ is (the backbone's, or a connection_amqp's): one address, or the nodes of a RabbitMQ cluster as a
/// comma-separated list (<c>amqp://u:p@10.0.0.1:5672/,amqp://u:p@10.0.0.2:5672/</c>). The user, password, virtual
/// host and TLS of the first are used for all; a connection goes to one node that answers, and when it is lost, the
/// next one is made to whichever answers then.
/// </summary>
public static class BrokerAddresses
{
    /// <summary>The addresses of <paramref name="addresses"/>, in order.</summary>
    public static IReadOnlyList<Uri> Parse(string addresses) =>
        [.. addresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => new Uri(a))];

    /// <summary>Whether every address of <paramref name="addresses"/> is an amqp:// or amqps:// one; else the first that is not.</summary>
    public static string? Invalid(string addresses)
    {
        var all = addresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (all.Length == 0) return addresses;
        return all.FirstOrDefault(a => !Uri.TryCreate(a, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"));
    }

    /// <summary>A connection factory for <paramref name="addresses"/> (credentials, virtual host and TLS from the first).</summary>
    public static ConnectionFactory Factory(string addresses) => new() { Uri = Parse(addresses)[0] };

    /// <summary>Connects to one of <paramref name="addresses"/> that answers (the client tries them in a random order).</summary>
    public static Task<IConnection> ConnectAsync(ConnectionFactory factory, string addresses, CancellationToken cancellation)
    {
        var endpoints = Parse(addresses);
        if (endpoints.Count == 1) return factory.CreateConnectionAsync(cancellation);
        return factory.CreateConnectionAsync([.. endpoints.Select(e => Endpoint(e, factory.Ssl))], cancellation);
    }

    // The host and port of an address, with the factory's TLS settings for its own host name.
    private static AmqpTcpEndpoint Endpoint(Uri address, SslOption ssl)
    {
        var tls = address.Scheme == "amqps";
        return new AmqpTcpEndpoint(address.Host, address.Port > 0 ? address.Port : tls ? 5671 : 5672,
            tls ? new SslOption(address.Host, enabled: true) { AcceptablePolicyErrors = ssl.AcceptablePolicyErrors } : new SslOption());
    }
}
