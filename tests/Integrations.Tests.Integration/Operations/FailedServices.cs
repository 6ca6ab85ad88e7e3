using System.Collections.Concurrent;

namespace Integrations.Tests.Integration.Operations;

/// <summary>Ships orders; fails for the orders a test marks as failing, as a service with a bug does until it is fixed.</summary>
[Service("test.ship-order")]
public sealed class ShipOrder : Service<ShipOrder.Input, ShipOrder.Output>
{
    public static readonly ConcurrentDictionary<string, bool> Failing = new();
    public static readonly ConcurrentDictionary<string, string> Shipped = new();
    public sealed record Input(string Order, string? Address);
    public sealed record Output(string Shipped);

    protected override Task<Output> Handle(Input input, ServiceContext ctx)
    {
        if (Failing.ContainsKey(input.Order)) throw new InvalidOperationException($"the carrier refused order {input.Order}");
        Shipped[input.Order] = input.Address ?? "";
        return Task.FromResult(new Output(input.Order));
    }
}
