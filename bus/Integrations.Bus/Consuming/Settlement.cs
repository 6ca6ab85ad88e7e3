namespace Integrations.Bus.Consuming;

/// <summary>How <see cref="DeliveryPolicy.DeliverAsync"/> settled a message.</summary>
public enum Settlement
{
    /// <summary>Done with: answered and acknowledged.</summary>
    Completed,

    /// <summary>Given up on: moved to the dead letters with the reason.</summary>
    DeadLettered,

    /// <summary>Given back, because the node is stopping: another consumer (or this one, after a restart) gets it again.</summary>
    Deferred,
}
