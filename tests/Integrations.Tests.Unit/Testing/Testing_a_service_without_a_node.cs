using System.Net;
using System.Text.Json.Serialization;
using Integrations.Services.Tutorial;
using Integrations.Testing;

namespace Integrations.Tests.Unit.Testing;

public sealed class Testing_a_service_without_a_node
{
    [Service("test.order")]
    public sealed class PlaceOrder : Service<PlaceOrder.Input, PlaceOrder.Output>
    {
        public sealed record Input(string Customer, int Quantity);
        public sealed record Output(string Status, decimal Price);
        public sealed record Quote([property: JsonPropertyName("UNIT_PRICE")] decimal UnitPrice, string Currency);

        protected override async Task<Output> Handle(Input input, ServiceContext ctx)
        {
            var quote = await ctx.Out.Rest["Pricing"].GetAsync<Quote>(new { input.Customer });
            var check = await ctx.CallAsync<CreditCheck.Output>("test.credit-check", new { input.Customer });
            if (!check.Approved)
                throw new ServiceException(402, $"credit refused for {input.Customer}");
            await ctx.SendAsync("test.ship", new { input.Customer, input.Quantity });
            await ctx.PublishAsync("orders", new { input.Customer, input.Quantity });
            await ctx.Out.Amqp["Warehouse"].PublishAsync(new { input.Customer }, routingKey: "orders.new");
            ctx.Log.Information("Order for {Customer}", input.Customer);
            ctx.Response.Status = 201;
            ctx.Response.Headers["Location"] = "/orders/" + input.Customer;
            return new("placed", quote.UnitPrice * input.Quantity);
        }
    }

    [Service("test.credit-check")]
    public sealed class CreditCheck : Service<CreditCheck.Input, CreditCheck.Output>
    {
        public sealed record Input(string Customer);
        public sealed record Output(bool Approved);

        protected override Task<Output> Handle(Input input, ServiceContext ctx) => Task.FromResult(new Output(input.Customer != "Mallory"));
    }

    private static ServiceTestHarness Shop() => new ServiceTestHarness()
        .Rest("Pricing", _ => new { UNIT_PRICE = 2.5m, Currency = "EUR" })
        .Service<CreditCheck>()
        .Amqp("Warehouse");

    [Fact]
    public async Task The_tutorial_service_runs_against_fake_systems()
    {
        var harness = new ServiceTestHarness()
            .Rest("CRM", _ => new { UserType = "RGV", AccountNumber = "123456" })
            .Rest("Billing", _ => new { ACC_BALANCE = "357.9" });

        var output = await harness.RunAsync(new GetUserDetails(), new GetUserDetails.Input("Mike"));

        Assert.Equal(new GetUserDetails.Output("RGV", "123456", "357.9"), output);
        Assert.Equal(["CRM", "Billing"], harness.RestCalls.Select(c => c.Connection));
        Assert.Equal(HttpMethod.Get, harness.RestCalls[0].Method);
        Assert.Equal("Mike", harness.RestCalls[0].Query["UserName"]);
        Assert.Equal(HttpMethod.Post, harness.RestCalls[1].Method);
        Assert.Equal("Mike", harness.RestCalls[1].Query["USER"]);
        Assert.Contains("INF Returning user details for Mike", harness.Log);
    }

    [Fact]
    public async Task The_input_is_bound_as_on_a_node_snake_case_and_required_fields_checked()
    {
        var harness = Shop();

        Assert.Equal("""{"status":"placed","price":7.5}""", await harness.RunJsonAsync(new PlaceOrder(), """{"customer": "ACME", "quantity": 3}"""));
        var missing = await Assert.ThrowsAsync<ServiceException>(() => harness.RunJsonAsync(new PlaceOrder(), """{"customer": "ACME"}"""));
        Assert.Equal(400, missing.Status);
        Assert.Contains("quantity", missing.Message);
    }

    [Fact]
    public async Task What_the_service_sends_publishes_and_logs_is_recorded()
    {
        var harness = Shop();

        var output = await harness.RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 4));

        Assert.Equal(new PlaceOrder.Output("placed", 10m), output);
        var (service, input) = Assert.Single(harness.Sent);
        Assert.Equal("test.ship", service);
        Assert.Equal(4, input.GetProperty("quantity").GetInt32());
        var (topic, message) = Assert.Single(harness.Published);
        Assert.Equal("orders", topic);
        Assert.Equal("ACME", message.GetProperty("customer").GetString());
        var (connection, sent) = Assert.Single(harness.AmqpSent);
        Assert.Equal("Warehouse", connection);
        Assert.Equal("orders.new", sent.RoutingKey);
        Assert.Equal(["INF Order for ACME"], harness.Log);
        Assert.Equal(201, harness.Response?.Status);
        Assert.Equal("/orders/ACME", harness.Response?.Headers["Location"]);
    }

    [Fact]
    public async Task An_error_the_service_throws_comes_out_as_thrown_and_nothing_is_sent()
    {
        var harness = Shop();

        var refused = await Assert.ThrowsAsync<ServiceException>(() => harness.RunAsync(new PlaceOrder(), new PlaceOrder.Input("Mallory", 1)));

        Assert.Equal(402, refused.Status);
        Assert.Equal("credit refused for Mallory", refused.Message);
        Assert.Empty(harness.Sent);
        Assert.Empty(harness.Published);
    }

    [Fact]
    public async Task A_connection_or_service_the_test_did_not_give_is_named_with_what_to_add()
    {
        var noPricing = await Assert.ThrowsAsync<ServiceException>(() =>
            new ServiceTestHarness().RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 1)));
        Assert.Contains("no outgoing_rest named 'Pricing'", noPricing.Message);
        Assert.Contains(".Rest(\"Pricing\"", noPricing.Message);

        var noCheck = await Assert.ThrowsAsync<ServiceInvocationException>(() =>
            new ServiceTestHarness().Rest("Pricing", _ => new { UNIT_PRICE = 1 }).RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 1)));
        Assert.Contains(".Service(\"test.credit-check\"", noCheck.Message);
    }

    [Fact]
    public async Task A_system_that_fails_fails_the_call_with_502_naming_it()
    {
        var down = await Assert.ThrowsAsync<OutgoingCallException>(() =>
            Shop().RestUnreachable("Pricing").RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 1)));
        Assert.Equal(502, down.Status);
        Assert.Equal("Pricing: connection refused", down.Message);

        var failing = await Assert.ThrowsAsync<OutgoingCallException>(() =>
            Shop().Rest("Pricing", HttpStatusCode.ServiceUnavailable).RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 1)));
        Assert.Equal("Pricing: answered 503 ServiceUnavailable", failing.Message);
    }

    [Fact]
    public async Task A_called_service_can_be_answered_by_the_test()
    {
        var harness = Shop().Service("test.credit-check", input => new { approved = input.GetProperty("customer").GetString() == "Trent" });

        Assert.Equal(402, (await Assert.ThrowsAsync<ServiceException>(() => harness.RunAsync(new PlaceOrder(), new PlaceOrder.Input("ACME", 1)))).Status);
        Assert.Equal("placed", (await harness.RunAsync(new PlaceOrder(), new PlaceOrder.Input("Trent", 1))).Status);
    }
}
