namespace Integrations.Runtime;

/// <summary>
/// What an outgoing call needs to know of the call it is part of: its cid (sent along and logged), when to give up,
/// and on whose behalf. A service's context gives its own (<see cref="ServiceContext.Scope"/>); the platform makes
/// one where no service runs (a subscription's delivery).
/// </summary>
/// <param name="Cid">The correlation id of the call the outgoing call is part of.</param>
/// <param name="Cancellation">Signalled when the call's deadline passes or the node stops.</param>
/// <param name="Caller">On whose behalf, for logs: a service's name, a subscription's.</param>
public readonly record struct CallScope(string Cid, CancellationToken Cancellation, string? Caller = null);
