using MassTransit;

namespace Integrations.Bus.Backbone;

/// <summary>
/// A reply that arrives after its caller stopped waiting (deadline passed, client hung up) has nobody to go to.
/// MassTransit would move it to a durable <c>_skipped</c> queue, which then grows forever; drop it instead.
/// </summary>
internal sealed class LateReplies : IEndpointConfigurationObserver
{
    public void EndpointConfigured<T>(T configurator) where T : IReceiveEndpointConfigurator
    {
        if (configurator.InputAddress.AbsolutePath.Contains("amq.rabbitmq.reply-to", StringComparison.Ordinal))
            configurator.DiscardSkippedMessages();
    }
}
