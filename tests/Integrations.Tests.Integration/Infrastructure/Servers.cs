using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>
/// The servers every integration test uses, named in one place: a real RabbitMQ and a real PostgreSQL.
/// Testcontainers starts them where a Docker engine answers; elsewhere the tests use the ones
/// <c>compose/local-services.sh</c> started (./test.sh does that first). Each test run gets its own RabbitMQ
/// virtual host and PostgreSQL schema, and removes them afterwards.
/// </summary>
public sealed class Servers : IAsyncLifetime
{
    private RabbitMqContainer? _rabbitContainer;
    private PostgreSqlContainer? _postgresContainer;
    private string? _localVirtualHost;

    /// <summary>The AMQP address, with this run's virtual host.</summary>
    public string RabbitMq { get; private set; } = "";
    /// <summary>The PostgreSQL connection string.</summary>
    public string Postgres { get; private set; } = "";
    /// <summary>This run's schema.</summary>
    public string Schema { get; } = "test_" + Guid.NewGuid().ToString("N")[..10];

    private readonly List<string> _extraSchemas = [];

    /// <summary>A schema of its own, for a test that needs a configuration nobody else touches; dropped after the run.</summary>
    public string NewSchema()
    {
        var schema = Schema + "_" + Guid.NewGuid().ToString("N")[..6];
        lock (_extraSchemas) _extraSchemas.Add(schema);
        return schema;
    }
    /// <summary>The cluster's secret key for this run: every test node gets it, as every node of a cluster must.</summary>
    public string SecretKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Where the servers came from, for test output.</summary>
    public string Origin { get; private set; } = "";

    private static string LocalRabbit => Environment.GetEnvironmentVariable("ESB_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/";
    private static string LocalManagement => Environment.GetEnvironmentVariable("ESB_TEST_RABBITMQ_MANAGEMENT") ?? "http://guest:guest@127.0.0.1:15672/";
    private static string LocalPostgres => Environment.GetEnvironmentVariable("ESB_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=55432;Database=esb;Username=esb;Password=esb";

    public async Task InitializeAsync()
    {
        try
        {
            // The MQ adapter's tests speak AMQP 1.0: the image needs the plugin enabled.
            _rabbitContainer = new RabbitMqBuilder("rabbitmq:3.13-management")
                .WithResourceMapping(Encoding.UTF8.GetBytes("[rabbitmq_management,rabbitmq_amqp1_0].\n"), "/etc/rabbitmq/enabled_plugins").Build();
            _postgresContainer = new PostgreSqlBuilder("postgres:15").Build();
            await Task.WhenAll(_rabbitContainer.StartAsync(), _postgresContainer.StartAsync());
            RabbitMq = _rabbitContainer.GetConnectionString();
            Postgres = _postgresContainer.GetConnectionString();
            Origin = "Testcontainers";
        }
        catch (DockerUnavailableException)
        {
            _rabbitContainer = null;
            _postgresContainer = null;
            await UseLocalServersAsync();
        }
    }

    private async Task UseLocalServersAsync()
    {
        var amqp = new Uri(LocalRabbit);
        var pg = new NpgsqlConnectionStringBuilder(LocalPostgres);
        if (!await IsOpenAsync(amqp.Host, amqp.Port > 0 ? amqp.Port : 5672) || !await IsOpenAsync(pg.Host!, pg.Port))
            throw new InvalidOperationException(
                $"No Docker engine, and no RabbitMQ at {amqp.Host}:{amqp.Port} or no PostgreSQL at {pg.Host}:{pg.Port}. " +
                "Start both with compose/local-services.sh (./test.sh does), or point ESB_TEST_RABBITMQ / ESB_TEST_POSTGRES at yours.");

        _localVirtualHost = "esb-test-" + Guid.NewGuid().ToString("N")[..10];
        using var management = Management();
        (await management.PutAsync($"api/vhosts/{_localVirtualHost}", null)).EnsureSuccessStatusCode();
        var user = amqp.UserInfo.Split(':')[0];
        (await management.PutAsync($"api/permissions/{_localVirtualHost}/{user}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        RabbitMq = new UriBuilder(amqp) { Path = "/" + _localVirtualHost }.Uri.ToString();
        Postgres = LocalPostgres;
        Origin = "local services";
    }

    public async Task DisposeAsync()
    {
        if (_rabbitContainer is not null) await _rabbitContainer.DisposeAsync();
        if (_postgresContainer is not null) await _postgresContainer.DisposeAsync();
        if (_localVirtualHost is null) return;
        using (var management = Management())
            await management.DeleteAsync($"api/vhosts/{_localVirtualHost}");
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        foreach (var schema in _extraSchemas.Append(Schema))
        {
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>How many messages wait in <paramref name="queue"/> of this run's broker; null when there is no such queue.</summary>
    public async Task<uint?> QueueDepthAsync(string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private static HttpClient Management()
    {
        var uri = new Uri(LocalManagement);
        var client = new HttpClient { BaseAddress = new Uri($"{uri.Scheme}://{uri.Host}:{uri.Port}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
        return client;
    }

    private static async Task<bool> IsOpenAsync(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<Servers>
{
    public const string Name = "real RabbitMQ and PostgreSQL";
}
