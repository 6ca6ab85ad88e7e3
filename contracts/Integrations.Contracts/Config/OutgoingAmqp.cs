namespace Integrations.Config;

/// <summary>An outgoing AMQP connection: services publish with <c>ctx.Out.Amqp["NAME"].PublishAsync(…)</c>, with the broker's confirmation.</summary>
[ConfigKind("outgoing_amqp")]
public sealed record OutgoingAmqp : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_amqp of the broker.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The exchange published to; empty for the default exchange (routing key = queue name).</summary>
    public string Exchange { get; init; } = "";
    /// <summary>The routing key when the service gives none.</summary>
    public string RoutingKey { get; init; } = "";
    /// <summary>Whether messages are persistent.</summary>
    public bool Persistent { get; init; } = true;
    /// <summary>Whether calls may use it.</summary>
    public bool IsActive { get; init; } = true;
}
