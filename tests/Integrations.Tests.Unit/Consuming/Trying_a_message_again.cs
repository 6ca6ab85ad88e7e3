using Integrations.Bus.Consuming;
using Integrations.Messages;

namespace Integrations.Tests.Unit.Consuming;

/// <summary>
/// The delivery policy: a failure of the service is tried again a few times, then given up; the message bus itself
/// away (a 503 that says when to try again) is waited out without counting, and never makes a message a dead letter.
/// </summary>
public sealed class Trying_a_message_again
{
    [Fact]
    public async Task The_bus_being_away_does_not_use_up_the_tries_of_a_message()
    {
        var answers = new Queue<ServiceResult>([
            ServiceResult.Unavailable("c1", "the message bus is not reachable right now", retryAfterSeconds: 0),
            ServiceResult.Unavailable("c1", "the message bus is not reachable right now", retryAfterSeconds: 0),
            ServiceResult.Unavailable("c1", "the message bus is not reachable right now", retryAfterSeconds: 0),
            ServiceResult.Failed("c1", 500, "boom"),
            ServiceResult.Ok("c1", "{}"),
        ]);
        var retried = 0;
        var (result, attempts) = await DeliveryPolicy.RunAsync(() => Task.FromResult(answers.Dequeue()), retries: 1, (_, _) => retried++, CancellationToken.None);
        Assert.Equal(200, result.Status);
        Assert.Equal(2, attempts);
        Assert.Equal(1, retried);
    }

    [Fact]
    public async Task A_failing_service_is_given_up_after_its_tries()
    {
        var calls = 0;
        var (result, attempts) = await DeliveryPolicy.RunAsync(() => { calls++; return Task.FromResult(ServiceResult.Failed("c1", 503, "down")); }, retries: 2, null, CancellationToken.None);
        Assert.Equal(503, result.Status);
        Assert.Null(result.RetryAfter);
        Assert.Equal(3, attempts);
        Assert.Equal(3, calls);
    }
}

/// <summary>A message whose answer its reply-to refuses is kept as a dead letter with why, not run again for ever.</summary>
public sealed class Answering_to_a_reply_address_that_refuses
{
    [Fact]
    public async Task The_message_is_dead_lettered_with_the_reason_once()
    {
        var message = new Refusing();
        var (result, settled) = await DeliveryPolicy.DeliverAsync(message, "c1", "Orders", 2, () => Task.FromResult(ServiceResult.Ok("c1", "{}")), null, CancellationToken.None);
        Assert.Equal(Settlement.DeadLettered, settled);
        Assert.Equal(502, result.Status);
        var letter = Assert.Single(message.Letters);
        Assert.Contains("its answer could not be sent to partner.replies: not-found", letter.Error);
        Assert.False(message.Completed);
    }

    private sealed class Refusing : IInbound
    {
        public List<DeadLetter> Letters { get; } = [];
        public bool Completed { get; private set; }
        public ReadOnlyMemory<byte> Body => "{}"u8.ToArray();
        public IReadOnlyDictionary<string, string> Properties { get; } = new Dictionary<string, string>();
        public string? MessageId => "m-1";
        public bool Redelivered => false;
        public string? Cid => "c1";
        public string? ReplyTo => "partner.replies";
        public bool CanSettle => true;
        public Task CompleteAsync(CancellationToken cancellation) { Completed = true; return Task.CompletedTask; }
        public Task DeferAsync() => Task.CompletedTask;
        public Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation) { Letters.Add(letter); return Task.CompletedTask; }
        public Task ReplyAsync(ServiceResult result, CancellationToken cancellation) => throw new InvalidOperationException("not-found");
    }
}
