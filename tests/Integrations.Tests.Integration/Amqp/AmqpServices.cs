using System.Collections.Concurrent;

namespace Integrations.Tests.Integration.Amqp;

/// <summary>Answers with what it was given and what the channel told it about the message.</summary>
[Service("test.amqp-echo")]
public sealed class AmqpEcho : Service<AmqpEcho.Input, AmqpEcho.Output>
{
    public sealed record Input(string? Order, string? Body);
    public sealed record Output(string? Order, string? Body, string Channel, IReadOnlyDictionary<string, string> Properties, string? MessageId, bool Redelivered);

    protected override Task<Output> Handle(Input input, ServiceContext ctx) =>
        Task.FromResult(new Output(input.Order, input.Body, ctx.Channel, ctx.Properties, ctx.MessageId, ctx.Redelivered));
}

/// <summary>Fails every time, counting its tries by order.</summary>
[Service("test.amqp-fail")]
public sealed class AmqpFail : Service<AmqpFail.Input, string>
{
    public static readonly ConcurrentDictionary<string, int> Tries = new();
    public sealed record Input(string Order);

    protected override Task<string> Handle(Input input, ServiceContext ctx)
    {
        Tries.AddOrUpdate(input.Order, 1, (_, n) => n + 1);
        throw new InvalidOperationException("the warehouse is closed");
    }
}

/// <summary>Publishes an invoice on the outgoing AMQP connection its input names.</summary>
[Service("test.amqp-publish")]
public sealed class AmqpPublish : Service<AmqpPublish.Input, string>
{
    public sealed record Input(string Connection, string Invoice, string? RoutingKey);

    protected override async Task<string> Handle(Input input, ServiceContext ctx)
    {
        await ctx.Out.Amqp[input.Connection].PublishAsync(new { invoice = input.Invoice }, input.RoutingKey,
            new Dictionary<string, string> { ["x-source"] = "test" }, correlationId: "corr-" + input.Invoice);
        return "published";
    }
}

/// <summary>Sends an invoice on the outgoing MQ connection its input names.</summary>
[Service("test.mq-send")]
public sealed class MqSend : Service<MqSend.Input, string>
{
    public sealed record Input(string Connection, string Invoice);

    protected override async Task<string> Handle(Input input, ServiceContext ctx)
    {
        await ctx.Out.Mq[input.Connection].SendAsync(new { invoice = input.Invoice });
        return "sent";
    }
}
