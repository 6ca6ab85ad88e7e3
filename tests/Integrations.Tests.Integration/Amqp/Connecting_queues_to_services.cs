using System.Net;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Amqp;

[Collection(ServersCollection.Name)]
public sealed class Connecting_queues_to_services(Servers servers)
{
    [Fact]
    public async Task A_message_on_a_channels_queue_reaches_the_service_and_its_answer_reaches_reply_to()
    {
        await using var node = await TestNode.StartAsync(servers, "amqp-channel", isolated: true);
        var queue = "orders.in." + Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Orders {{queue}}","connection":"Backbone","queue":"{{queue}}","service":"test.amqp-echo"}""");

        await using var broker = await Broker.ConnectAsync(servers);
        var replies = await broker.Channel.QueueDeclareAsync("", exclusive: true);
        await Until(async () => await broker.ConsumersAsync(queue) == 1, TimeSpan.FromSeconds(10));
        await broker.Channel.BasicPublishAsync("", queue, true, new BasicProperties
        {
            ReplyTo = replies.QueueName, CorrelationId = "order-1", MessageId = "m-1",
            Headers = new Dictionary<string, object?> { ["x-tenant"] = "acme" },
        }, Encoding.UTF8.GetBytes("""{"order":"A-1"}"""));
        await broker.Channel.BasicPublishAsync("", queue, true, new BasicProperties { ReplyTo = replies.QueueName, CorrelationId = "order-2" }, Encoding.UTF8.GetBytes("plain text"));

        // Messages run side by side: the answers come in either order, told apart by their correlation ids.
        var both = new[] { await broker.GetAsync(replies.QueueName), await broker.GetAsync(replies.QueueName) };
        var first = both.Single(m => m.BasicProperties.CorrelationId == "order-1");
        using var answer = JsonDocument.Parse(first.Body);
        Assert.Equal("A-1", answer.RootElement.GetProperty("order").GetString());
        Assert.Equal($"Orders {queue}", answer.RootElement.GetProperty("channel").GetString());
        var properties = answer.RootElement.GetProperty("properties");
        Assert.Equal(queue, properties.GetProperty("amqp.routing_key").GetString());
        Assert.Equal("m-1", properties.GetProperty("amqp.message_id").GetString());
        Assert.Equal("order-1", properties.GetProperty("amqp.correlation_id").GetString());
        Assert.Equal("acme", properties.GetProperty("amqp.header.x-tenant").GetString());
        Assert.Equal("m-1", answer.RootElement.GetProperty("message_id").GetString());
        Assert.False(answer.RootElement.GetProperty("redelivered").GetBoolean());

        // A body that is not a JSON object arrives as {"body": …}.
        var second = both.Single(m => m.BasicProperties.CorrelationId == "order-2");
        Assert.Equal("plain text", JsonDocument.Parse(second.Body).RootElement.GetProperty("body").GetString());
        Assert.Equal(0u, await servers.QueueDepthAsync(queue));
        await LogLines.WaitForAsync(node.LogFile, l => l.Contains("AMQP cha ←") && l.Contains("200"));
    }

    [Fact]
    public async Task A_message_given_before_and_not_acknowledged_reaches_the_service_marked_as_redelivered_with_its_id()
    {
        await using var node = await TestNode.StartAsync(servers, "amqp-redelivered", isolated: true);
        var queue = "orders.again." + Guid.NewGuid().ToString("N")[..8];
        await using var broker = await Broker.ConnectAsync(servers);
        await broker.Channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var replies = await broker.Channel.QueueDeclareAsync("", exclusive: true);
        await broker.Channel.BasicPublishAsync("", queue, true, new BasicProperties { ReplyTo = replies.QueueName, MessageId = "m-again" },
            Encoding.UTF8.GetBytes("""{"order":"A-2"}"""));
        // Another consumer took it and went away without acknowledging it: the broker gives it again, marked.
        await using (var other = await new ConnectionFactory { Uri = new Uri(servers.RabbitMq) }.CreateConnectionAsync())
        await using (var channel = await other.CreateChannelAsync())
            Assert.NotNull(await channel.BasicGetAsync(queue, autoAck: false));

        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Again {{queue}}","connection":"Backbone","queue":"{{queue}}","service":"test.amqp-echo"}""");
        using var answer = JsonDocument.Parse((await broker.GetAsync(replies.QueueName)).Body);
        Assert.Equal("m-again", answer.RootElement.GetProperty("message_id").GetString());
        Assert.True(answer.RootElement.GetProperty("redelivered").GetBoolean());
        Assert.Equal("true", answer.RootElement.GetProperty("properties").GetProperty("redelivered").GetString());
    }

    [Fact]
    public async Task A_failing_service_leaves_the_message_among_the_failed_messages_with_the_reason_after_its_retries()
    {
        await using var node = await TestNode.StartAsync(servers, "amqp-dead", isolated: true);
        var queue = "stock.in." + Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/channels/amqp", $$"""{"name":"Stock {{queue}}","connection":"Backbone","queue":"{{queue}}","service":"test.amqp-fail","retries":2}""");
        await using var broker = await Broker.ConnectAsync(servers);
        await Until(async () => await broker.ConsumersAsync(queue) == 1, TimeSpan.FromSeconds(10));

        var order = Guid.NewGuid().ToString("N");
        await broker.Channel.BasicPublishAsync("", queue, true, new BasicProperties { MessageId = "m-" + order, Persistent = true },
            Encoding.UTF8.GetBytes($$"""{"order":"{{order}}"}"""));
        var failed = (await Operations.Keeping_failed_messages.WaitForFailedAsync(node, "channel", $"Stock {queue}", 1)).Messages[0];
        var dead = await node.Api.FailedMessageAsync(failed.Id);
        Assert.Equal($$"""{"order":"{{order}}"}""", dead.Body);
        Assert.Equal("m-" + order, dead.Headers["amqp.message_id"]);
        Assert.Equal(500, failed.Status);
        Assert.Contains("test.amqp-fail failed", failed.Error);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(3, AmqpFail.Tries[order]);
        Assert.Equal(0u, await servers.QueueDepthAsync(queue));
        Assert.Equal(0u, await servers.QueueDepthAsync(queue + ".dead"));
    }

    [Fact]
    public async Task A_service_publishes_on_an_outgoing_connection_with_the_brokers_confirmation()
    {
        await using var node = await TestNode.StartAsync(servers, "amqp-out", isolated: true);
        var queue = "invoices.out." + Guid.NewGuid().ToString("N")[..8];
        await using var broker = await Broker.ConnectAsync(servers);
        await broker.Channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: true);
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Backbone"}""");
        await node.CreateAsync("/admin/outgoing/amqp", $$"""{"name":"Invoices","connection":"Backbone","routing_key":"{{queue}}"}""");

        var response = await node.InvokeAsync("test.amqp-publish", """{"connection":"Invoices","invoice":"INV-7"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await broker.GetAsync(queue);
        Assert.Equal("""{"invoice":"INV-7"}""", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("corr-INV-7", message.BasicProperties.CorrelationId);
        Assert.Equal(DeliveryModes.Persistent, message.BasicProperties.DeliveryMode);
        Assert.Equal("test", Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["x-source"]!));
        Assert.Equal(response.Headers.GetValues("X-Esb-Cid").Single(), Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["esb-cid"]!));

        // A message the broker cannot route is a 502 that says so, not a silent loss.
        var unroutable = await node.InvokeAsync("test.amqp-publish", """{"connection":"Invoices","invoice":"INV-8","routing_key":"nobody.listens.here"}""");
        Assert.Equal(HttpStatusCode.BadGateway, unroutable.StatusCode);
        Assert.Contains("could not route", await unroutable.Content.ReadAsStringAsync());

        // An exchange that does not exist is said in our words, not the broker's, and the connection goes on working.
        var exchange = "no-such-exchange-" + Guid.NewGuid().ToString("N")[..6];
        await node.CreateAsync("/admin/outgoing/amqp", $$"""{"name":"Nowhere","connection":"Backbone","exchange":"{{exchange}}","routing_key":"x"}""");
        var missing = await node.InvokeAsync("test.amqp-publish", """{"connection":"Nowhere","invoice":"INV-9"}""");
        Assert.Equal(HttpStatusCode.BadGateway, missing.StatusCode);
        var error = await AdminCalls.ErrorOf(missing);
        Assert.Contains($"Nowhere: the broker has no exchange '{exchange}'", error);
        Assert.Contains("declare it there, or name one that exists", error);
        Assert.DoesNotContain("NOT_FOUND", error);
        Assert.DoesNotContain("AMQP close-reason", error);
        Assert.Equal(HttpStatusCode.OK, (await node.InvokeAsync("test.amqp-publish", """{"connection":"Invoices","invoice":"INV-10"}""")).StatusCode);
    }

    [Theory]
    [InlineData("/admin/connections/amqp", """{"name":"x","address":"http://mq"}""", "address")]
    [InlineData("/admin/connections/amqp", """{"name":"x","address":"amqp://u:p@mq"}""", "address")]
    [InlineData("/admin/connections/amqp", """{"name":"x","security":"nope"}""", "security")]
    [InlineData("/admin/channels/amqp", """{"name":"x","connection":"nope","queue":"q","service":"demo.hello"}""", "connection")]
    [InlineData("/admin/channels/amqp", """{"name":"x","connection":"Refused","queue":"","service":"demo.hello"}""", "queue")]
    [InlineData("/admin/channels/amqp", """{"name":"x","connection":"Refused","queue":"q","service":"no.such"}""", "service")]
    [InlineData("/admin/channels/amqp", """{"name":"x","connection":"Refused","queue":"q","service":"demo.hello","prefetch":0}""", "prefetch")]
    [InlineData("/admin/outgoing/amqp", """{"name":"x","connection":"nope"}""", "connection")]
    public async Task A_bad_amqp_object_is_refused_naming_the_field(string path, string json, string field)
    {
        await using var node = await TestNode.StartAsync(servers, "amqp-bad", isolated: true);
        await node.CreateAsync("/admin/connections/amqp", """{"name":"Refused","address":"amqp://127.0.0.1:1/"}""");
        var response = await node.Admin.PostAsync(path, AdminCalls.Json(json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"field\":\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A client of the test run's broker, as another system would be.</summary>
    private sealed class Broker : IAsyncDisposable
    {
        private IConnection _connection = null!;
        public IChannel Channel { get; private set; } = null!;

        public static async Task<Broker> ConnectAsync(Servers servers)
        {
            var broker = new Broker();
            broker._connection = await new ConnectionFactory { Uri = new Uri(servers.RabbitMq) }.CreateConnectionAsync();
            broker.Channel = await broker._connection.CreateChannelAsync();
            return broker;
        }

        /// <summary>How many consumers <paramref name="queue"/> has; 0 while it does not exist.</summary>
        public async Task<uint> ConsumersAsync(string queue)
        {
            await using var channel = await _connection.CreateChannelAsync();
            try
            {
                return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return 0;
            }
        }

        /// <summary>The next message of <paramref name="queue"/>, waiting up to 10 s for it.</summary>
        public async Task<BasicGetResult> GetAsync(string queue)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                try
                {
                    if (await Channel.BasicGetAsync(queue, autoAck: true) is { } message) return message;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    // The queue is not declared yet.
                    Channel = await _connection.CreateChannelAsync();
                }
                await Task.Delay(50);
            }
            throw new Xunit.Sdk.XunitException($"no message in {queue} within 10 s");
        }

        public async ValueTask DisposeAsync()
        {
            await _connection.CloseAsync();
            await _connection.DisposeAsync();
        }
    }
}
