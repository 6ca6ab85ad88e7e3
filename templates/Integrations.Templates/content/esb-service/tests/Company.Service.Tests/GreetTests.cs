namespace Company.Service.Tests;

public sealed class GreetTests
{
    [Fact]
    public async Task Greets_the_customer_by_the_name_the_crm_gives()
    {
        var harness = new ServiceTestHarness().Rest("CRM", request => new { DisplayName = "Ann Smith" });

        var output = await harness.RunAsync(new Greet(), new Greet.Input("42"));

        Assert.Equal("Hello Ann Smith!", output.Greeting);
        Assert.Equal("42", harness.RestCalls.Single().Query["id"]);
        Assert.Contains("INF Greeting Ann Smith", harness.Log);
    }

    [Fact]
    public async Task No_customer_is_a_400()
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => new ServiceTestHarness().RunAsync(new Greet(), new Greet.Input(null)));
        Assert.Equal(400, error.Status);
    }
}
