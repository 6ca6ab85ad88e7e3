using System.Collections.Concurrent;

namespace Integrations.Tests.Integration.Infrastructure;

[Service("test.fail")]
public sealed class Fail : Service<NoInput, string>
{
    protected override Task<string> Handle(NoInput input, ServiceContext ctx) =>
        throw new InvalidOperationException("connection string Password=hunter2 rejected");
}

[Service("test.sleep")]
public sealed class Sleep : Service<Sleep.Input, Sleep.Output>
{
    public sealed record Input(int Milliseconds);
    public sealed record Output(int Slept);

    protected override async Task<Output> Handle(Input input, ServiceContext ctx)
    {
        await Task.Delay(input.Milliseconds, ctx.Cancellation);
        return new(input.Milliseconds);
    }
}

[Service("test.order")]
public sealed class PlaceOrder : Service<PlaceOrder.Input, PlaceOrder.Output>
{
    public sealed record Input(string Customer, int Quantity, string? Note);
    public sealed record Output(string Customer, int Quantity, string Node);

    protected override Task<Output> Handle(Input input, ServiceContext ctx) =>
        Task.FromResult(new Output(input.Customer, input.Quantity, Environment.ProcessId.ToString()));
}

/// <summary>Hands work to <see cref="RecordToken"/> through the bus and returns at once.</summary>
[Service("test.hand-off")]
public sealed class HandOff : Service<HandOff.Input, string>
{
    public sealed record Input(string Token);

    protected override async Task<string> Handle(Input input, ServiceContext ctx)
    {
        await ctx.SendAsync("test.record", new { token = input.Token });
        return "sent";
    }
}

[Service("test.record")]
public sealed class RecordToken : Service<RecordToken.Input, string>
{
    public static readonly ConcurrentDictionary<string, string> Seen = new();
    public sealed record Input(string Token);

    protected override Task<string> Handle(Input input, ServiceContext ctx)
    {
        Seen[input.Token] = ctx.Cid;
        return Task.FromResult("recorded");
    }
}

/// <summary>Sleeps and ignores cancellation, so its reply comes after its caller gave up.</summary>
[Service("test.stubborn")]
public sealed class Stubborn : Service<Sleep.Input, Sleep.Output>
{
    protected override async Task<Sleep.Output> Handle(Sleep.Input input, ServiceContext ctx)
    {
        await Task.Delay(input.Milliseconds, CancellationToken.None);
        return new(input.Milliseconds);
    }
}

/// <summary>Hands a call to <see cref="Fail"/> through the bus.</summary>
[Service("test.hand-off-failure")]
public sealed class HandOffFailure : Service<NoInput, string>
{
    protected override async Task<string> Handle(NoInput input, ServiceContext ctx)
    {
        await ctx.SendAsync("test.fail");
        return "sent";
    }
}

/// <summary>Calls the outgoing REST connection named in its input.</summary>
[Service("test.call-out")]
public sealed class CallOut : Service<CallOut.Input, CallOut.Output>
{
    public sealed record Input(string Connection, string? Id);
    public sealed record Output(int Status, string Text);

    protected override async Task<Output> Handle(Input input, ServiceContext ctx)
    {
        var answer = await ctx.Out.Rest[input.Connection].GetAsync(input.Id is null ? null : new { id = input.Id });
        return new((int)answer.Status, answer.Text);
    }
}

/// <summary>Answers 201 with a Location header.</summary>
[Service("test.create")]
public sealed class Create : Service<Create.Input, Create.Output>
{
    public sealed record Input(string Id);
    public sealed record Output(string Id, string? Caller, string Channel);

    protected override Task<Output> Handle(Input input, ServiceContext ctx)
    {
        ctx.Response.Status = 201;
        ctx.Response.Headers["Location"] = $"/things/{input.Id}";
        return Task.FromResult(new Output(input.Id, ctx.Caller, ctx.Channel));
    }
}
