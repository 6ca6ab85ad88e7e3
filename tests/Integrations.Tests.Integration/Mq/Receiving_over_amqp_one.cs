using Integrations.Tests.Integration.Scheduler;
using System.Net;
using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Mq;

/// <summary>The MQ adapter against RabbitMQ's amqp1_0 plugin, as it would talk to IBM MQ's AMQP channels or Artemis.</summary>
[Collection(ServersCollection.Name)]
public sealed class Receiving_over_amqp_one(Servers servers)
{
    [Fact]
    public async Task A_message_received_on_an_mq_channel_reaches_the_service_and_its_answer_reaches_reply_to()
    {
        await using var node = await TestNode.StartAsync(servers, "mq-channel", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/mq", $$"""{"name":"Broker","address":"{{AmqpAddress()}}"}""");
        await node.CreateAsync("/admin/channels/mq", $$"""{"name":"Ledger","connection":"Broker","address":"/queue/ledger.{{id}}","service":"test.amqp-echo"}""");

        var connection = await Connect();
        try
        {
            var session = new Session(connection);
            // Answers are durable: the partner's queue for them is too (RabbitMQ makes a /queue/ address's queue as its first link says).
            var replies = new ReceiverLink(session, "replies", new Source { Address = $"/queue/replies.{id}", Durable = 1 }, null);
            var sender = new SenderLink(session, "sender", new Target { Address = $"/queue/ledger.{id}", Durable = 1 }, null);
            var message = new Message { BodySection = new Data { Binary = Encoding.UTF8.GetBytes("""{"order":"L-1"}""") },
                Properties = new Properties { MessageId = "m-1", CorrelationId = "corr-1", ReplyTo = $"/queue/replies.{id}" },
                ApplicationProperties = new ApplicationProperties() };
            message.ApplicationProperties["x-branch"] = "north";
            await sender.SendAsync(message);

            var answer = await replies.ReceiveAsync(TimeSpan.FromSeconds(15)) ?? throw new Xunit.Sdk.XunitException("no answer within 15 s");
            replies.Accept(answer);
            Assert.Equal("corr-1", answer.Properties.CorrelationId);
            using var json = JsonDocument.Parse((byte[])answer.Body);
            Assert.Equal("L-1", json.RootElement.GetProperty("order").GetString());
            Assert.Equal("Ledger", json.RootElement.GetProperty("channel").GetString());
            Assert.Equal("north", json.RootElement.GetProperty("properties").GetProperty("mq.property.x-branch").GetString());
            Assert.Equal("m-1", json.RootElement.GetProperty("properties").GetProperty("mq.message_id").GetString());
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    [Fact]
    public async Task A_failing_service_sends_the_message_to_the_dead_letter_address_with_the_reason()
    {
        await using var node = await TestNode.StartAsync(servers, "mq-dead", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/mq", $$"""{"name":"Broker","address":"{{AmqpAddress()}}"}""");
        await node.CreateAsync("/admin/channels/mq", $$"""{"name":"Stock","connection":"Broker","address":"/queue/stock.{{id}}","service":"test.amqp-fail","retries":1,"dead_letter_address":"/queue/stock.{{id}}.dead"}""");

        var connection = await Connect();
        try
        {
            var session = new Session(connection);
            var order = Guid.NewGuid().ToString("N");
            await new SenderLink(session, "sender", new Target { Address = $"/queue/stock.{id}", Durable = 1 }, null).SendAsync(
                new Message { BodySection = new Data { Binary = Encoding.UTF8.GetBytes($$"""{"order":"{{order}}"}""") } });
            var dead = await new ReceiverLink(session, "dead", new Source { Address = $"/queue/stock.{id}.dead", Durable = 1 }, null).ReceiveAsync(TimeSpan.FromSeconds(15))
                ?? throw new Xunit.Sdk.XunitException("nothing in the dead-letter queue within 15 s");
            Assert.Equal($$"""{"order":"{{order}}"}""", Encoding.UTF8.GetString((byte[])dead.Body));
            Assert.Equal(500, Convert.ToInt32(dead.ApplicationProperties["esb-status"]));
            Assert.Contains("test.amqp-fail failed", (string)dead.ApplicationProperties["esb-error"]);
            Assert.Equal(2, Amqp.AmqpFail.Tries[order]);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    [Fact]
    public async Task A_service_sends_on_an_outgoing_mq_connection_and_the_bytes_arrive_as_sent()
    {
        await using var node = await TestNode.StartAsync(servers, "mq-out", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/mq", $$"""{"name":"Broker","address":"{{AmqpAddress()}}"}""");
        await node.CreateAsync("/admin/outgoing/mq", $$"""{"name":"Invoices","connection":"Broker","address":"/queue/invoices.{{id}}"}""");

        var response = await node.InvokeAsync("test.mq-send", """{"connection":"Invoices","invoice":"INV-9"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connection = await Connect();
        try
        {
            var received = await new ReceiverLink(new Session(connection), "r", new Source { Address = $"/queue/invoices.{id}", Durable = 1 }, null).ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("""{"invoice":"INV-9"}""", Encoding.UTF8.GetString((byte[])received.Body));
            Assert.Equal(response.Headers.GetValues("X-Esb-Cid").Single(), (string)received.ApplicationProperties["esb-cid"]);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    [Fact]
    public async Task Without_a_dead_letter_address_a_failed_message_is_kept_among_the_failed_messages_and_runs_again_when_retried()
    {
        await using var node = await TestNode.StartAsync(servers, "mq-failed", isolated: true);
        var id = Guid.NewGuid().ToString("N")[..8];
        await node.CreateAsync("/admin/connections/mq", $$"""{"name":"Broker","address":"{{AmqpAddress()}}"}""");
        await node.CreateAsync("/admin/channels/mq", $$"""{"name":"Stock {{id}}","connection":"Broker","address":"/queue/stock.{{id}}","service":"test.amqp-fail","retries":0}""");

        var connection = await Connect();
        var order = Guid.NewGuid().ToString("N");
        try
        {
            await new SenderLink(new Session(connection), "sender", new Target { Address = $"/queue/stock.{id}", Durable = 1 }, null).SendAsync(
                new Message { BodySection = new Data { Binary = Encoding.UTF8.GetBytes($$"""{"order":"{{order}}"}""") } });
        }
        finally
        {
            await connection.CloseAsync();
        }
        var failed = (await Operations.Keeping_failed_messages.WaitForFailedAsync(node, "channel", $"Stock {id}", 1)).Messages[0];
        Assert.Equal(("channel_mq", $"esb.channel_mq.Stock {id}", "System.InvalidOperationException"), (failed.Kind, failed.Queue, failed.Exception));
        Assert.Equal(1, Amqp.AmqpFail.Tries[order]);

        // Back into the backbone's queue of the channel, where a worker runs it again.
        Assert.Single((await node.Api.FailedActionAsync("retry", ids: [failed.Id])).Done);
        await Running_jobs_on_a_schedule.Until(() => Task.FromResult(Amqp.AmqpFail.Tries[order] == 2), TimeSpan.FromSeconds(15));
    }

    private string AmqpAddress()
    {
        var broker = new Uri(servers.RabbitMq);
        return $"amqp://{broker.Host}:{(broker.Port > 0 ? broker.Port : 5672)}";
    }

    // AMQP 1.0 clients land in the broker's default virtual host; the queues' names are unique to each test.
    private async Task<Connection> Connect()
    {
        var broker = new Uri(servers.RabbitMq);
        var user = broker.UserInfo.Split(':');
        return await Connection.Factory.CreateAsync(new Address(broker.Host, broker.Port > 0 ? broker.Port : 5672, Uri.UnescapeDataString(user[0]), Uri.UnescapeDataString(user[1]), "/", "amqp"));
    }
}
