using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Serilog;

namespace Integrations.Bus.Node;

/// <summary>
/// The first thing a node does: waits until its PostgreSQL and its RabbitMQ answer, trying again with exponential
/// back-off and jitter and saying what it waits for, so a node started beside its servers (compose, Kubernetes, a
/// reboot) comes up by itself when they do. A server that answers but refuses the node's credentials, or has no such
/// database, is not waited for: the node refuses to start and says what to change.
/// </summary>
public sealed class WaitingForServers(NodeOptions options, ILogger log) : IHostedService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "node");

    /// <summary>The first wait; each next one doubles, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public static TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries.</summary>
    public static TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForAsync($"PostgreSQL at {ServerAddress.Postgres(options.Postgres)}", PostgresAnswersAsync, cancellationToken).ConfigureAwait(false);
        await WaitForAsync($"RabbitMQ at {ServerAddress.RabbitMq(options.RabbitMq)}", RabbitMqAnswersAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Tries until the server answers: null when it did, else why not (to wait), or a refusal (thrown).
    private async Task WaitForAsync(string server, Func<CancellationToken, Task<string?>> answersAsync, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var failures = 0;
        while (await answersAsync(cancellation).ConfigureAwait(false) is { } why)
        {
            var wait = Backoff.Delay(failures++, FirstDelay, MaxDelay);
            _log.Warning("Waiting for {Server} ({Reason}); trying again in {Seconds:0.#} s", server, why, wait.TotalSeconds);
            await Task.Delay(wait, cancellation).ConfigureAwait(false);
        }
        if (failures > 0) _log.Information("{Server} answers, after {Seconds:0.#} s of waiting", server, clock.Elapsed.TotalSeconds);
    }

    private async Task<string?> PostgresAnswersAsync(CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Postgres) { Timeout = 5, Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e) when (e.SqlState is "28P01" or "28000" or "3D000")
        {
            // Wrong password, no such user or database: waiting would not help.
            throw new NodeStartRefusedException(
                $"PostgreSQL at {ServerAddress.Postgres(options.Postgres)} refused this node: {e.MessageText}. Check --postgres (env ESB_POSTGRES).");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            return Reason(e);
        }
    }

    private async Task<string?> RabbitMqAnswersAsync(CancellationToken cancellation)
    {
        var factory = BrokerAddresses.Factory(options.RabbitMq);
        factory.ClientProvidedName = $"esb {options.NodeName} start";
        factory.AutomaticRecoveryEnabled = false;
        factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(5);
        try
        {
            await using var connection = await BrokerAddresses.ConnectAsync(factory, options.RabbitMq, cancellation).ConfigureAwait(false);
            await connection.CloseAsync(cancellation).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (Refused(e) is { } refusal)
        {
            throw new NodeStartRefusedException(
                $"RabbitMQ at {ServerAddress.RabbitMq(options.RabbitMq)} refused this node: {refusal}. Check --rabbitmq (env ESB_RABBITMQ).");
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            return Reason(e);
        }
    }

    private static string? Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException) return "the user name or password is wrong";
            if (e is OperationInterruptedException { ShutdownReason.ReplyCode: 530 }) return "the virtual host does not exist or the user may not use it";
        }
        return null;
    }

    // The innermost cause, in a few words: "connection refused", "the server is starting up".
    private static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
                return socket.SocketErrorCode switch
                {
                    System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                    System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain => "its host name is not known (yet)",
                    System.Net.Sockets.SocketError.TimedOut => "no answer",
                    _ => socket.Message,
                };
            if (inner is PostgresException { SqlState: "57P03" }) return "the database is starting up";
            if (inner is TimeoutException) return "no answer within 5 s";
        }
        return e.InnerException?.Message ?? e.Message;
    }
}
