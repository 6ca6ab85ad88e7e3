using System.Collections.Concurrent;
using System.Text.Json;
using Acme.Billing.Contracts;
using Integrations.Tests.Integration.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Acme.Billing.Contracts
{
    // A MassTransit application's own contracts, in its own namespace, as its team wrote them.
    public sealed record GetBalance(string AccountNo, string? Currency);
    public sealed record BalanceResult(string AccountNo, decimal AccountBalance, string Currency);
    public sealed record InvoicePaid(string InvoiceNo, decimal Amount, DateTimeOffset PaidAt);
}

namespace Integrations.Tests.Integration.Amqp
{
    /// <summary>A balance, the Integrations side of the MassTransit application's request.</summary>
    [Service("test.mt-balance")]
    public sealed class MtBalance : Service<MtBalance.Input, MtBalance.Output>
    {
        public sealed record Input(string AccountNo, string? Currency);
        public sealed record Output(string AccountNo, decimal AccountBalance, string Currency);

        protected override Task<Output> Handle(Input input, ServiceContext ctx) => input.AccountNo == "closed"
            ? throw new ServiceException(404, "account closed is closed")
            : Task.FromResult(new Output(input.AccountNo, 357.9m, input.Currency ?? "EUR"));
    }

    /// <summary>Keeps what a topic's subscription delivered to it.</summary>
    [Service("test.mt-seen")]
    public sealed class MtSeen : Service<JsonElement, MtSeen.Output>
    {
        public static readonly ConcurrentQueue<JsonElement> Seen = new();
        public sealed record Output(bool Kept);

        protected override Task<Output> Handle(JsonElement input, ServiceContext ctx)
        {
            Seen.Enqueue(input.Clone());
            return Task.FromResult(new Output(true));
        }
    }

    /// <summary>
    /// A MassTransit 8 application on the same RabbitMQ, with its own contracts and its own bus, calling an
    /// Integrations service with its request client and publishing events that a topic's subscribers receive — with
    /// nothing on the Integrations side but configuration.
    /// </summary>
    [Collection(ServersCollection.Name)]
    public sealed class Serving_masstransit_applications(Servers servers)
    {
        [Fact]
        public async Task The_request_client_gets_the_services_answer_and_a_fault_that_says_why_when_it_fails()
        {
            var queue = "billing.get-balance." + Guid.NewGuid().ToString("N")[..8];
            await using var node = await TestNode.StartAsync(servers, "mt-interop");
            await node.CreateAsync("/admin/connections/amqp", $$"""{"name":"{{queue}}"}""");
            await node.CreateAsync("/admin/channels/amqp", $$"""
                {"name":"{{queue}}","connection":"{{queue}}","queue":"{{queue}}","service":"test.mt-balance",
                 "format":"masstransit","response_type":"Acme.Billing.Contracts:BalanceResult","retries":0}
                """);
            await Until(async () => await servers.QueueDepthAsync(queue) is not null, TimeSpan.FromSeconds(15));

            await using var app = await StartAppAsync();
            var client = app.Bus.CreateRequestClient<GetBalance>(new Uri("queue:" + queue), RequestTimeout.After(s: 15));
            var answer = await client.GetResponse<BalanceResult>(new GetBalance("123456", "CHF"));
            Assert.Equal(new BalanceResult("123456", 357.9m, "CHF"), answer.Message);

            // A failure reaches the request client as MassTransit's fault, with the service's own words, at once.
            var started = DateTime.UtcNow;
            var fault = await Assert.ThrowsAsync<RequestFaultException>(() => client.GetResponse<BalanceResult>(new GetBalance("closed", null)));
            Assert.Contains("account closed is closed", fault.Message);
            Assert.Contains("status 404", fault.Message);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the fault came only with the timeout");
            // And the message is kept among the failed messages, as for any AMQP channel.
            var failed = await Operations.Keeping_failed_messages.WaitForFailedAsync(node, "channel", queue, 1);
            Assert.Equal(404, failed.Messages[0].Status);
        }

        [Fact]
        public async Task Published_events_reach_a_topics_subscribers()
        {
            var id = Guid.NewGuid().ToString("N")[..8];
            await using var node = await TestNode.StartAsync(servers, "mt-events");
            await node.CreateAsync("/admin/connections/amqp", $$"""{"name":"backbone-{{id}}"}""");
            await node.CreateAsync("/admin/pubsub/topics", $$"""{"name":"invoices-{{id}}"}""");
            await node.CreateAsync("/admin/pubsub/subscriptions", $$"""{"name":"seen-{{id}}","topic":"invoices-{{id}}","deliver_to":"service","service":"test.mt-seen"}""");
            await node.CreateAsync("/admin/channels/amqp", $$"""
                {"name":"invoices-paid-{{id}}","connection":"backbone-{{id}}","queue":"esb.invoices-paid.{{id}}","topic":"invoices-{{id}}",
                 "format":"masstransit","exchange":"Acme.Billing.Contracts:InvoicePaid"}
                """);
            await Until(async () => await servers.QueueDepthAsync("esb.invoices-paid." + id) is not null, TimeSpan.FromSeconds(15));

            await using var app = await StartAppAsync();
            var invoice = "INV-" + id;
            await app.Bus.Publish(new InvoicePaid(invoice, 120.5m, DateTimeOffset.UtcNow));

            await Until(() => MtSeen.Seen.Any(s => s.TryGetProperty("invoice_no", out var no) && no.GetString() == invoice), TimeSpan.FromSeconds(15));
            var seen = MtSeen.Seen.Single(s => s.TryGetProperty("invoice_no", out var no) && no.GetString() == invoice);
            // As MassTransit wrote it (its JSON writes decimals as strings), under the snake_case name.
            Assert.Equal(120.5m, decimal.Parse(seen.GetProperty("amount").ToString(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(seen.TryGetProperty("paid_at", out _));
        }

        [Fact]
        public async Task A_mistake_in_the_channel_is_answered_with_the_field_before_anything_is_stored()
        {
            var id = Guid.NewGuid().ToString("N")[..8];
            await using var node = await TestNode.StartAsync(servers, "mt-rules");
            await node.CreateAsync("/admin/connections/amqp", $$"""{"name":"backbone-{{id}}"}""");
            await node.CreateAsync("/admin/pubsub/topics", $$"""{"name":"t-{{id}}"}""");
            async Task<string> Refused(string fields)
            {
                var answer = await node.Api.SendAsync(HttpMethod.Post, "/admin/channels/amqp",
                    $$"""{"name":"c-{{id}}","connection":"backbone-{{id}}","queue":"q-{{id}}",{{fields}}}""");
                Assert.Equal(400, answer.Status);
                return answer.Text;
            }
            Assert.Contains("format: 'masstransitt' is not a format: json (the body is the input) or masstransit", await Refused("""
                "service":"test.mt-balance","format":"masstransitt"
                """));
            Assert.Contains("response_type: 'BalanceResult' is not a MassTransit message type: namespace:type", await Refused("""
                "service":"test.mt-balance","format":"masstransit","response_type":"BalanceResult"
                """));
            Assert.Contains("response_type: is for format masstransit only", await Refused("""
                "service":"test.mt-balance","response_type":"Acme:BalanceResult"
                """));
            Assert.Contains("give service or topic, not both", await Refused($$"""
                "service":"test.mt-balance","topic":"t-{{id}}"
                """));
            Assert.Contains($"no-such-{id}", await Refused($$"""
                "topic":"no-such-{{id}}"
                """));
            Assert.Equal(404, (await node.Api.SendAsync(HttpMethod.Get, $"/admin/channels/amqp/c-{id}")).Status);
        }

        private sealed class App(ServiceProvider provider) : IAsyncDisposable
        {
            public IBus Bus => provider.GetRequiredService<IBus>();

            public async ValueTask DisposeAsync()
            {
                await provider.GetRequiredService<IBusControl>().StopAsync();
                await provider.DisposeAsync();
            }
        }

        // The application as its team configured it: MassTransit's defaults, its own name, no knowledge of Integrations.
        private async Task<App> StartAppAsync()
        {
            var broker = new Uri(servers.RabbitMq);
            var user = broker.UserInfo.Split(':');
            var services = new ServiceCollection();
            services.AddMassTransit(x =>
            {
                x.DisableUsageTelemetry();
                x.UsingRabbitMq((_, rabbit) => rabbit.Host(broker.Host, (ushort)broker.Port, Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/')), "billing app", h =>
                {
                    h.Username(Uri.UnescapeDataString(user[0]));
                    h.Password(Uri.UnescapeDataString(user[1]));
                }));
            });
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IBusControl>().StartAsync();
            return new App(provider);
        }
    }
}
