namespace Integrations.Bus.Consuming;

/// <summary>
/// Thrown by a transport whose connection is lost and being made again (the backbone's): the endpoints on it wait,
/// trying again with back-off, without each logging a failure — the transport says why, and each endpoint says when
/// it listens again.
/// </summary>
public sealed class ReconnectingException(string message) : InvalidOperationException(message);
