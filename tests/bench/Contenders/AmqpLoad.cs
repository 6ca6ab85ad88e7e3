using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Integrations.Bench;

/// <summary>Loads a queue with messages, and the baseline: a plain consumer that only acknowledges.</summary>
public static class AmqpLoad
{
    /// <summary>Publishes <paramref name="count"/> small JSON messages to <paramref name="queue"/>, confirmed, and prints the time.</summary>
    public static async Task<int> FillAsync(string broker, string queue, int count)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true, outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(512)));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var body = Encoding.UTF8.GetBytes("""{"name":"Mike"}""");
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>(1024);
        for (var i = 0; i < count; i++)
        {
            pending.Add(channel.BasicPublishAsync("", queue, false, properties, body).AsTask());
            if (pending.Count == 1024) { await Task.WhenAll(pending); pending.Clear(); }
        }
        await Task.WhenAll(pending);
        Console.WriteLine($"filled {count} in {clock.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }

    /// <summary>Consumes <paramref name="count"/> messages of <paramref name="queue"/>, acknowledging each, and prints messages per second.</summary>
    public static async Task<int> DrainAsync(string broker, string queue, int count, int prefetch)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        // One dispatcher: acknowledging is all it does, and acks on one channel are best sent in order.
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, (ushort)prefetch, false);
        var done = new TaskCompletionSource();
        var seen = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref seen) == count) done.TrySetResult();
        };
        var clock = Stopwatch.StartNew();
        await channel.BasicConsumeAsync(queue, false, consumer);
        channel.ChannelShutdownAsync += (_, reason) =>
        {
            done.TrySetException(new InvalidOperationException($"the channel closed: {reason.ReplyText}"));
            return Task.CompletedTask;
        };
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        Console.WriteLine($"drained {count} in {clock.Elapsed.TotalSeconds:0.000} s: {count / clock.Elapsed.TotalSeconds:0} msg/s");
        return 0;
    }
}

/// <summary>The AMQP 1.0 baseline: a plain AMQPNetLite receiver that only accepts.</summary>
public static class MqLoad
{
    /// <summary>Receives <paramref name="count"/> messages of <paramref name="address"/> with link credit <paramref name="credit"/>, accepting each, and prints messages per second.</summary>
    public static async Task<int> DrainAsync(string broker, string address, int count, int credit)
    {
        var uri = new Uri(broker);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        var password = Uri.UnescapeDataString(uri.UserInfo.Split(':').ElementAtOrDefault(1) ?? "");
        var connection = await Amqp.Connection.Factory.CreateAsync(new Amqp.Address(uri.Host, uri.Port, user, password, "/", "amqp"));
        var session = new Amqp.Session(connection);
        var done = new TaskCompletionSource();
        var seen = 0;
        var clock = Stopwatch.StartNew();
        var receiver = new Amqp.ReceiverLink(session, "bench-drain", address);
        receiver.Start(credit, (link, message) =>
        {
            link.Accept(message);
            if (Interlocked.Increment(ref seen) == count) done.TrySetResult();
        });
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        Console.WriteLine($"drained {count} in {clock.Elapsed.TotalSeconds:0.000} s: {count / clock.Elapsed.TotalSeconds:0} msg/s");
        await connection.CloseAsync();
        return 0;
    }
}
