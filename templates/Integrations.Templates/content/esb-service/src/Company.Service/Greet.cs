namespace Company.Service;

/// <summary>
/// Greets a customer by the name the CRM knows them by. Expose it with a REST channel, for example
/// <c>esb channels-rest create name=Greet service=company.service.greet url_path=/greet</c>, once the outgoing REST
/// connection "CRM" exists.
/// </summary>
[Service("company.service.greet")]
public sealed class Greet : Service<Greet.Input, Greet.Output>
{
    /// <summary>Who to greet.</summary>
    public sealed record Input(string? Customer);

    /// <summary>The greeting.</summary>
    public sealed record Output(string Greeting);

    private sealed record Customer(string DisplayName);

    /// <inheritdoc />
    protected override async Task<Output> Handle(Input input, ServiceContext ctx)
    {
        if (string.IsNullOrWhiteSpace(input.Customer)) throw new ServiceException(400, "customer is required");
        var customer = await ctx.Out.Rest["CRM"].GetAsync<Customer>(new { id = input.Customer });
        ctx.Log.Information("Greeting {Customer}", customer.DisplayName);
        return new Output($"Hello {customer.DisplayName}!");
    }
}
