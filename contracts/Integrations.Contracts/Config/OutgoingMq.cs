namespace Integrations.Config;

/// <summary>An outgoing MQ connection: services send with <c>ctx.Out.Mq["NAME"].SendAsync(…)</c>; a send returns once the broker accepted the message.</summary>
[ConfigKind("outgoing_mq")]
public sealed record OutgoingMq : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The connection_mq.</summary>
    public string Connection { get; init; } = "";
    /// <summary>The target address (a queue or topic).</summary>
    public string Address { get; init; } = "";
    /// <summary>Whether messages are durable.</summary>
    public bool Durable { get; init; } = true;
    /// <summary>Whether calls may use it.</summary>
    public bool IsActive { get; init; } = true;
}
