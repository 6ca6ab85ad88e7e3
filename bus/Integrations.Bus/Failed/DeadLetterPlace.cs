using RabbitMQ.Client;

namespace Integrations.Bus.Failed;

/// <summary>
/// A queue where the platform keeps messages it gave up on, and where they came from: what the failed-message store
/// ingests, and where a retry sends a message back to.
/// </summary>
/// <param name="Kind">What gave them up, in the configuration's words: <c>channel_amqp</c>, <c>channel_mq</c>, <c>pubsub_subscription</c>, <c>service</c>.</param>
/// <param name="Name">The channel's, the subscription's or the service's name.</param>
/// <param name="Service">The service its messages were for, if a service.</param>
/// <param name="Connection">The outgoing AMQP connection whose broker holds both queues, or null for the backbone's own.</param>
/// <param name="DeadLetterQueue">Where its messages given up on are kept.</param>
/// <param name="SourceQueue">Where its messages come from, and where a retry sends one again.</param>
/// <param name="QueueType">The type both queues are declared with (null: the broker's default).</param>
/// <param name="ConnectAsync">The connection to the broker that holds them.</param>
/// <param name="PublishConfirmedAsync">Sends a message to a queue of that broker, persistent, confirmed by it.</param>
public sealed record DeadLetterPlace(string Kind, string Name, string? Service, string? Connection, string DeadLetterQueue, string SourceQueue, string? QueueType,
    Func<CancellationToken, Task<IConnection>> ConnectAsync,
    Func<string, BasicProperties, ReadOnlyMemory<byte>, CancellationToken, Task> PublishConfirmedAsync)
{
    /// <summary>A place on the backbone's own broker, its queues of the node's queue type.</summary>
    public static DeadLetterPlace OnBackbone(string kind, string name, string? service, string deadLetterQueue, string sourceQueue,
        Backbone.RabbitBackbone backbone, Node.NodeOptions options) =>
        new(kind, name, service, null, deadLetterQueue, sourceQueue, options.QueueType, _ => Task.FromResult(backbone.Connection), backbone.PublishConfirmedAsync);

    /// <summary>Names the place among all: <c>channel_amqp:Orders</c>.</summary>
    public string Key => Kind + ":" + Name;

    /// <summary>What the place says about itself on one line, for the log.</summary>
    public override string ToString() => $"{Kind} {Name} ({DeadLetterQueue}{(Connection is null ? "" : " on " + Connection)})";
}

/// <summary>The dead-letter places of one kind of channel, subscription or service, as its configuration has them now.</summary>
public interface IDeadLetterPlaces
{
    /// <summary>The places there are now.</summary>
    IEnumerable<DeadLetterPlace> Places();

    /// <summary>Raised when the places may have changed (a channel created, changed or deleted).</summary>
    event Action? Changed;
}

/// <summary>The dead-letter places of configuration objects: looked at again whenever an object of <paramref name="kinds"/> changes.</summary>
public abstract class ConfiguredDeadLetters : IDeadLetterPlaces, IDisposable
{
    private readonly IDisposable _watch;

    /// <summary>Follows the objects of <paramref name="kinds"/>.</summary>
    protected ConfiguredDeadLetters(Config.ConfigView view, params Type[] kinds)
    {
        View = view;
        _watch = view.Watch(kinds, (_, _) => Changed?.Invoke());
    }

    /// <summary>The configuration, as this node holds it.</summary>
    protected Config.ConfigView View { get; }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public abstract IEnumerable<DeadLetterPlace> Places();

    /// <inheritdoc />
    public void Dispose() => _watch.Dispose();
}

/// <summary>Every dead-letter place of the node, from every kind that has them.</summary>
public sealed class DeadLetterPlaces(IEnumerable<IDeadLetterPlaces> kinds)
{
    private readonly IReadOnlyList<IDeadLetterPlaces> _kinds = kinds.ToList();

    /// <summary>Raised when the places may have changed.</summary>
    public event Action? Changed
    {
        add { foreach (var kind in _kinds) kind.Changed += value; }
        remove { foreach (var kind in _kinds) kind.Changed -= value; }
    }

    /// <summary>The places there are now, by <see cref="DeadLetterPlace.Key"/>.</summary>
    public IReadOnlyDictionary<string, DeadLetterPlace> All()
    {
        var all = new Dictionary<string, DeadLetterPlace>(StringComparer.Ordinal);
        foreach (var place in _kinds.SelectMany(k => k.Places())) all[place.Key] = place;
        return all;
    }
}
