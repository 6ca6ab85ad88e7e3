namespace Integrations.Tests.Integration.Faults.Lab;

/// <summary>
/// The services the lab deploys to its nodes (as a user deploys a file): each run of <c>faults.work</c> takes a few
/// milliseconds, as real work does, and tells the lab's <see cref="Counter"/> it ran, with a run id of its own.
/// </summary>
public static class FaultServices
{
    public const string File = "faults.cs";

    public const string Source = """
        namespace Faults;

        [Service("faults.work")]
        public sealed class Work : Service<Work.Input, Work.Output>
        {
            public sealed record Input(string Id, int? DelayMs);
            public sealed record Output(string Id, string Run, string? MessageId, bool Redelivered);

            protected override async Task<Output> Handle(Input input, ServiceContext ctx)
            {
                if (input.DelayMs is > 0) await Task.Delay(input.DelayMs.Value, CancellationToken.None);
                var output = new Output(input.Id, Guid.NewGuid().ToString("N"), ctx.MessageId, ctx.Redelivered);
                await ctx.Out.Amqp["Count"].PublishAsync(output);
                return output;
            }
        }

        [Service("faults.tick")]
        public sealed class Tick : Service<Work.Input, string>
        {
            // A scheduled job's runs all have the same input: the run's own cid is what tells them apart.
            protected override async Task<string> Handle(Work.Input input, ServiceContext ctx)
            {
                await ctx.Out.Amqp["Count"].PublishAsync(new Work.Output(ctx.Cid, Guid.NewGuid().ToString("N"), ctx.MessageId, ctx.Redelivered));
                return ctx.Cid;
            }
        }

        [Service("faults.hand-off")]
        public sealed class HandOff : Service<Work.Input, string>
        {
            protected override async Task<string> Handle(Work.Input input, ServiceContext ctx)
            {
                await ctx.SendAsync("faults.work", input);
                return "accepted";
            }
        }
        """;
}
