namespace Integrations.Adapters.Mq;

/// <summary>How an AMQP 1.0 address is received from.</summary>
/// <param name="Address">The source address (a queue).</param>
/// <param name="Credit">Messages held at a time (link credit).</param>
/// <param name="DeadLetterAddress">Where messages given up on are sent; null rejects them for the broker's own dead-lettering.</param>
/// <param name="LinkName">The receiver link's name.</param>
public sealed record MqSource(string Address, int Credit, string? DeadLetterAddress, string LinkName);
