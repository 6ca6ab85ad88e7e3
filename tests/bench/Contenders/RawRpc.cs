using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Integrations.Bench;

/// <summary>
/// What one broker hop costs, and nothing else: an ASP.NET endpoint publishes the request (transient, direct reply-to)
/// to a queue; a consumer in the same process does the work (the tutorial's two HTTP calls, or the echo) and replies.
/// No logging, no validation beyond the key: the ceiling of any design that goes through the broker.
/// </summary>
public static class RawRpc
{
    private const string Queue = "bench.raw-rpc";
    private const int CallerChannels = 2;

    public static async Task<int> RunAsync(string url, string backend, string rabbit)
    {
        var http = Tutorial.PooledClient();
        var connection = await new ConnectionFactory { Uri = new Uri(rabbit) }.CreateConnectionAsync();

        // The worker side: consumes the queue, runs, replies to the reply-to with the request's correlation id.
        var worker = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 64));
        await worker.QueueDeclareAsync(Queue, durable: false, exclusive: false, autoDelete: true);
        await worker.BasicQosAsync(0, 64, false);
        var consumer = new AsyncEventingBasicConsumer(worker);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var name = Encoding.UTF8.GetString(delivery.Body.Span);
            byte[] answer = delivery.BasicProperties.Type == "hello"
                ? JsonSerializer.SerializeToUtf8Bytes(new { greeting = $"Howdy {name}!" })
                : JsonSerializer.SerializeToUtf8Bytes(await Tutorial.GetUserDetailsAsync(http, backend, name, CancellationToken.None));
            await worker.BasicPublishAsync("", delivery.BasicProperties.ReplyTo!, false, new BasicProperties { CorrelationId = delivery.BasicProperties.CorrelationId }, answer);
            await worker.BasicAckAsync(delivery.DeliveryTag, false);
        };
        await worker.BasicConsumeAsync(Queue, autoAck: false, consumer);

        // The caller side: a few channels, each with its direct reply-to consumer; answers found by correlation id.
        var waiting = new ConcurrentDictionary<string, TaskCompletionSource<byte[]>>();
        var callers = new IChannel[CallerChannels];
        for (var i = 0; i < CallerChannels; i++)
        {
            callers[i] = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 1));
            var replies = new AsyncEventingBasicConsumer(callers[i]);
            replies.ReceivedAsync += (_, delivery) =>
            {
                if (delivery.BasicProperties.CorrelationId is { } id && waiting.TryRemove(id, out var answer)) answer.TrySetResult(delivery.Body.ToArray());
                return Task.CompletedTask;
            };
            await callers[i].BasicConsumeAsync("amq.rabbitmq.reply-to", autoAck: true, replies);
        }
        long next = 0;
        async Task<byte[]> CallAsync(string type, string name)
        {
            var n = Interlocked.Increment(ref next);
            var id = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[id] = answer;
            await callers[n % CallerChannels].BasicPublishAsync("", Queue, false,
                new BasicProperties { CorrelationId = id, ReplyTo = "amq.rabbitmq.reply-to", Type = type }, Encoding.UTF8.GetBytes(name));
            return await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var app = Tutorial.Build(url);
        app.MapGet(Tutorial.Path, async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            if (!Tutorial.KeyIsValid(context.Request))
            {
                context.Response.StatusCode = 401;
                await context.Response.Body.WriteAsync(Tutorial.Unauthorized);
                return;
            }
            await context.Response.Body.WriteAsync(await CallAsync("tutorial", context.Request.Query["name"].FirstOrDefault() ?? "partner"));
        });
        app.MapGet("/hello", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(await CallAsync("hello", context.Request.Query["name"].FirstOrDefault() ?? "partner"));
        });
        await app.RunAsync();
        return 0;
    }
}
