namespace Integrations.Adapters.Scheduler;

/// <summary>The message type a scheduled message is sent as: its body is the envelope as it was scheduled, copied as it is.</summary>
internal sealed class ScheduledEnvelope;
