namespace Integrations.Bus.Services;

/// <summary>Publishing to a publish/subscribe topic, for services (<c>ctx.PublishAsync</c>), REST publishers and the admin API; the pub/sub adapter implements it.</summary>
public interface ITopicPublisher
{
    /// <summary>Publishes <paramref name="json"/> to <paramref name="topic"/>; returns once the broker has it.</summary>
    /// <exception cref="ServiceException">404 when there is no such topic, 403 when it is inactive.</exception>
    Task PublishAsync(string topic, string json, string cid, CancellationToken cancellation);
}
