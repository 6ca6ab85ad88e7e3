namespace Integrations.Bus.Consuming;

/// <summary>What a listener does with each message it receives.</summary>
public delegate Task InboundHandler(IInbound message);
