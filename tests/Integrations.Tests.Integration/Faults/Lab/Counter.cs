using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>
/// Counts what the lab's services did, from outside the faults: each run of a service publishes
/// <c>{"id": …, "run": …}</c> (a run id of its own, new on every run) to a queue of the test run's shared broker, which no
/// fault touches. A message run twice shows as two runs of one id; the same run heard twice is one.
/// </summary>
public sealed class Counter : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConcurrentDictionary<string, byte>>> _flows = new(StringComparer.Ordinal);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _prefix;
    private static readonly JsonSerializerOptions Names = new() { PropertyNameCaseInsensitive = true };

    private sealed record Heard(string Id, string? Run);

    private Counter(IConnection connection, IChannel channel, string prefix)
    {
        _connection = connection;
        _channel = channel;
        _prefix = prefix;
    }

    /// <summary>Where the counter listens, without credentials, for a connection_amqp.</summary>
    public string BrokerUrl { get; private init; } = "";

    /// <summary>The broker's user and password, for the connection's security definition.</summary>
    public (string User, string Password) Credentials { get; private init; }

    public static async Task<Counter> StartAsync(string rabbitMq, string name)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(rabbitMq), ClientProvidedName = "fault lab counter" }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var uri = new Uri(rabbitMq);
        return new Counter(connection, channel, $"faults.count.{name}.{Guid.NewGuid().ToString("N")[..6]}")
        {
            BrokerUrl = $"amqp://{uri.Host}:{(uri.Port > 0 ? uri.Port : 5672)}{uri.AbsolutePath}",
            Credentials = uri.UserInfo.Split(':', 2) is [var user, var password] ? (Uri.UnescapeDataString(user), Uri.UnescapeDataString(password)) : ("guest", "guest"),
        };
    }

    /// <summary>Declares the queue of <paramref name="flow"/> and counts what reaches it; returns its name.</summary>
    public async Task<string> QueueAsync(string flow)
    {
        var queue = $"{_prefix}.{flow}";
        await _channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        var runs = _flows.GetOrAdd(flow, _ => new(StringComparer.Ordinal));
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // Outgoing bodies keep the names the service gave them ("Id"); answers are snake_case ("id").
            var body = JsonSerializer.Deserialize<Heard>(delivery.Body.Span, Names)!;
            // A run id when the service gives one; else each publish (an AMQP delivery of a subscription) is a run.
            Record(flow, body.Id, body.Run ?? delivery.BasicProperties.MessageId ?? Guid.NewGuid().ToString("N"));
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return queue;
    }

    /// <summary>Counts one run of <paramref name="id"/> in <paramref name="flow"/> heard some other way (an HTTP request).</summary>
    public void Record(string flow, string id, string run) =>
        _flows.GetOrAdd(flow, _ => new(StringComparer.Ordinal)).GetOrAdd(id, _ => new(StringComparer.Ordinal)).TryAdd(run, 0);

    /// <summary>How many ids of <paramref name="flow"/> ran at least once.</summary>
    public int Unique(string flow) => _flows.TryGetValue(flow, out var runs) ? runs.Count : 0;

    /// <summary>How many runs of <paramref name="flow"/> came after the first of their id.</summary>
    public int Duplicated(string flow) => _flows.TryGetValue(flow, out var runs) ? runs.Values.Sum(r => r.Count - 1) : 0;

    /// <summary>Whether <paramref name="id"/> of <paramref name="flow"/> ran.</summary>
    public bool Ran(string flow, string id) => _flows.TryGetValue(flow, out var runs) && runs.ContainsKey(id);

    /// <summary>The ids of <paramref name="flow"/> that ran.</summary>
    public IReadOnlyCollection<string> Ids(string flow) => _flows.TryGetValue(flow, out var runs) ? [.. runs.Keys] : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var flow in _flows.Keys)
        {
            try
            {
                await _channel.QueueDeleteAsync($"{_prefix}.{flow}");
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
        }
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
