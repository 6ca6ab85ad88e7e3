using System.Text;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Services;
using Integrations.Config;
using RabbitMQ.Client;
using Serilog;

namespace Integrations.Adapters.PubSub;

/// <summary>
/// Publish/subscribe on the backbone: a topic is a durable fanout exchange (<c>esb.topic.&lt;name&gt;</c>), a
/// subscription a durable queue bound to it (<c>esb.sub.&lt;name&gt;</c>), declared when the subscription is saved, so
/// every message published from then on waits for it, across node restarts. Publishing is persistent and confirmed.
/// </summary>
public sealed class Topics(ConfigView view, RabbitBackbone backbone, Bus.Telemetry.Hops hops, ILogger log) : IConfigApplier, ITopicPublisher
{
    private readonly ILogger _log = log.ForContext("SourceContext", "pubsub");

    /// <summary>The exchange of a topic.</summary>
    public static string ExchangeOf(string topic) => "esb.topic." + topic;

    /// <summary>The queue of a subscription.</summary>
    public static string QueueOf(string subscription) => "esb.sub." + subscription;

    /// <inheritdoc />
    public async Task PublishAsync(string topic, string json, string cid, CancellationToken cancellation)
    {
        var definition = view.Find<PubSubTopic>(topic) ?? throw new ServiceException(404, $"no pubsub_topic named '{topic}'");
        if (!definition.IsActive) throw new ServiceException(403, $"the topic '{topic}' is inactive");
        var subscribers = view.All<PubSubSubscription>().Count(s => s.Topic == topic);
        var hop = hops.Topic(topic, cid);
        try
        {
            var headers = new Dictionary<string, object?> { [Wire.Cid] = cid, [Wire.Topic] = topic };
            Bus.Telemetry.EsbTelemetry.AddTo(headers);
            await backbone.PublishToExchangeAsync(ExchangeOf(topic), new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = Guid.NewGuid().ToString("N"),
                Headers = headers,
            }, Encoding.UTF8.GetBytes(json), cancellation).ConfigureAwait(false);
            hop.End(202);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            hop.End(503, e.Message);
            _log.ForContext("Cid", cid).Error(e, "pubsub: {Topic} could not be published", topic);
            throw new ServiceException(503, RabbitBackbone.Unreachable($"the topic '{topic}'", cid));
        }
        _log.ForContext("Cid", cid).Information("pubsub → cid={Cid}; topic={Topic}; {Subscribers} subscription(s); len={Length}", cid, topic, subscribers, json.Length);
    }

    /// <summary>Declares a saved subscription's queue and binding (or deletes a deleted one's), before the change is reported done.</summary>
    public async Task ApplyAsync(string kind, string name, CancellationToken cancellation)
    {
        if (kind == ConfigKinds.NameOf(typeof(PubSubTopic)))
        {
            if (view.Find<PubSubTopic>(name) is not null) await backbone.DeclareBindingAsync(ExchangeOf(name), null, cancellation).ConfigureAwait(false);
            return;
        }
        if (kind != ConfigKinds.NameOf(typeof(PubSubSubscription))) return;
        if (view.Find<PubSubSubscription>(name) is { } subscription)
            await backbone.DeclareBindingAsync(ExchangeOf(subscription.Topic), QueueOf(name), cancellation).ConfigureAwait(false);
        else
        {
            await backbone.DeleteServiceQueueAsync(QueueOf(name), cancellation).ConfigureAwait(false);
            _log.Information("Subscription {Name} deleted with its queue", name);
        }
    }
}
