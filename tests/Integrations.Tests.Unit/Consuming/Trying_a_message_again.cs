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
