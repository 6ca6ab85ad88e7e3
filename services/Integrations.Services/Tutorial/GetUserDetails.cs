namespace Integrations.Services.Tutorial;

/// <summary>The tutorial's service: asks CRM and Billing about a user and answers in our own words.</summary>
[Service("tutorial.get-user-details")]
public sealed class GetUserDetails : Service<GetUserDetails.Input, GetUserDetails.Output>
{
    public sealed record Input(string? Name);                        // nullable = optional
    public sealed record Output(string UserType, string AccountNo, string AccountBalance);

    protected override async Task<Output> Handle(Input input, ServiceContext ctx)
    {
        var name = input.Name ?? "partner";
        var crm = await ctx.Out.Rest["CRM"].GetAsync(new { UserName = name });
        var billing = await ctx.Out.Rest["Billing"].PostAsync(query: new { USER = name });
        ctx.Log.Information("Returning user details for {Name}", name);
        return new(crm["UserType"], crm["AccountNumber"], billing["ACC_BALANCE"]);
    }
}
