namespace Integrations.Bus.Node;

/// <summary>
/// A node refuses to start because of how it was set up, not because a server is down: the message says what is
/// wrong and what to do, and is shown as it is.
/// </summary>
public sealed class NodeStartRefusedException(string message) : Exception(message);
