namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>
/// A PostgreSQL of the test's own, beside the one every test shares, that the test may stop and start: Debian's
/// PostgreSQL 15 binaries with a cluster of its own in a temporary folder, on a free loopback port, run as the
/// postgres user (./test.sh installs the package).
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _folder;

    private PrivatePostgres(int port)
    {
        Port = port;
        _folder = Path.Combine(Path.GetTempPath(), "esb-tests", $"postgres-{port}-{Guid.NewGuid().ToString("N")[..6]}");
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>How a node reaches it.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres";

    /// <summary>Makes a cluster and starts it on a free port.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        // Below the tutorial's ports (17010 and up); 20000–32000 are the private brokers'.
        var port = Ports.ForServer(11000, 17000);
        var postgres = new PrivatePostgres(port);
        await PrivateBroker.RunAsync("install", "-d", "-o", "postgres", "-g", "postgres", postgres._folder);
        await PrivateBroker.RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/initdb", "-D", Path.Combine(postgres._folder, "data"), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");
        await postgres.StartAgainAsync();
        return postgres;
    }

    /// <summary>Starts it (again, after a stop) and waits until it takes connections.</summary>
    public Task StartAgainAsync() =>
        PrivateBroker.RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "pg.log"),
            "-w", "-t", "60", "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_folder} -c fsync=off", "start");

    /// <summary>A fast stop: every connection is cut.</summary>
    public Task StopAsync() =>
        PrivateBroker.RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "stop");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (PrivateBroker.IsOpen(Port)) await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
