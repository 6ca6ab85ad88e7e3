using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Scheduling;
using Quartz;
using Serilog;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// MassTransit's message scheduler, kept in the same clustered Quartz store as the jobs: consumes MassTransit's
/// scheduling contracts (<c>ScheduleSend</c>, <c>CancelScheduledSend</c>, recurring schedules, and the
/// scheduled redeliveries of <c>UseScheduledRedelivery</c>) on the <see cref="Queue"/> endpoint, and at the due time
/// sends the message to its destination as MassTransit would have. No broker plugin is needed.
/// </summary>
public sealed class ScheduledMessages(JobScheduler scheduler, ILogger log) :
    IConsumer<ScheduleMessage>, IConsumer<CancelScheduledMessage>,
    IConsumer<ScheduleRecurringMessage>, IConsumer<CancelScheduledRecurringMessage>,
    IConsumer<PauseScheduledRecurringMessage>, IConsumer<ResumeScheduledRecurringMessage>
{
    /// <summary>The endpoint MassTransit sends scheduling messages to: <c>queue:esb.scheduler</c>.</summary>
    public const string Queue = "esb.scheduler";
    /// <summary>The Quartz group of scheduled messages.</summary>
    public const string Group = "esb.messages";

    internal const string DestinationKey = "esb.destination", EnvelopeKey = "esb.envelope", RecurringFlag = "esb.recurring";

    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var (outer, message) = Read(context);
        var token = context.Message.CorrelationId.ToString("N");
        var destination = message["destination"]?.GetValue<string>() ?? throw new InvalidOperationException("a ScheduleMessage without a destination");
        var envelope = Envelope(outer, message, destination, token);
        var job = Job(new JobKey(token, Group), destination, envelope, recurring: false);
        var trigger = TriggerBuilder.Create().WithIdentity(token, Group).ForJob(job.Key).StartAt(context.Message.ScheduledTime)
            .WithSimpleSchedule(s => s.WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, context.CancellationToken).ConfigureAwait(false);
        _log.Information("Scheduled a message for {Destination} at {At:O} (token {Token})", destination, context.Message.ScheduledTime, token);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var token = context.Message.TokenId.ToString("N");
        var deleted = await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).DeleteJob(new JobKey(token, Group), context.CancellationToken).ConfigureAwait(false);
        _log.Information("Scheduled message {Token}: {Outcome}", token, deleted ? "cancelled" : "nothing to cancel (sent already?)");
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScheduleRecurringMessage> context)
    {
        var (outer, message) = Read(context);
        var schedule = context.Message.Schedule;
        var destination = message["destination"]?.GetValue<string>() ?? throw new InvalidOperationException("a ScheduleRecurringMessage without a destination");
        var key = RecurringKey(schedule.ScheduleId, schedule.ScheduleGroup);
        var envelope = Envelope(outer, message, destination, null);
        var job = Job(key, destination, envelope, recurring: true);
        var zone = string.IsNullOrWhiteSpace(schedule.TimeZoneId) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZoneId);
        var builder = TriggerBuilder.Create().WithIdentity(key.Name, Group).ForJob(key).StartAt(schedule.StartTime)
            .WithDescription(schedule.Description)
            .WithSchedule(CronScheduleBuilder.Create(CronExpression.Parse(schedule.CronExpression).WithTimeZone(zone))
                .WithMisfireInstruction(schedule.MisfirePolicy switch
                {
                    MissedEventPolicy.Skip => CronTriggerMisfireInstruction.DoNothing,
                    MissedEventPolicy.Send => CronTriggerMisfireInstruction.FireAndProceed,
                    _ => CronTriggerMisfireInstruction.SmartPolicy,
                }));
        if (schedule.EndTime is { } end) builder.EndAt(end);
        await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).ScheduleJob(job, [builder.Build()], new ScheduleJobOptions { Replace = true }, context.CancellationToken).ConfigureAwait(false);
        _log.Information("Scheduled a recurring message {Schedule} for {Destination}: cron '{Cron}' in {Zone}", key.Name, destination, schedule.CronExpression, zone.Id);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<CancelScheduledRecurringMessage> context)
    {
        var key = RecurringKey(context.Message.ScheduleId, context.Message.ScheduleGroup);
        var deleted = await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).DeleteJob(key, context.CancellationToken).ConfigureAwait(false);
        _log.Information("Recurring message {Schedule}: {Outcome}", key.Name, deleted ? "cancelled" : "nothing to cancel");
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<PauseScheduledRecurringMessage> context)
    {
        var key = RecurringKey(context.Message.ScheduleId, context.Message.ScheduleGroup);
        await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).PauseTrigger(new TriggerKey(key.Name, Group), context.CancellationToken).ConfigureAwait(false);
        _log.Information("Recurring message {Schedule} paused", key.Name);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ResumeScheduledRecurringMessage> context)
    {
        var key = RecurringKey(context.Message.ScheduleId, context.Message.ScheduleGroup);
        await (await scheduler.QuartzAsync(context.CancellationToken).ConfigureAwait(false)).ResumeTrigger(new TriggerKey(key.Name, Group), context.CancellationToken).ConfigureAwait(false);
        _log.Information("Recurring message {Schedule} resumed", key.Name);
    }

    private static JobKey RecurringKey(string id, string group) => new($"recurring.{group}.{id}", Group);

    private static IJobDetail Job(JobKey key, string destination, JsonObject envelope, bool recurring)
    {
        var builder = JobBuilder.Create<ScheduledMessageJob>().WithIdentity(key).RequestRecovery()
            .UsingJobData(DestinationKey, EndpointName(destination)).UsingJobData(EnvelopeKey, envelope.ToJsonString());
        if (recurring) builder.UsingJobData(RecurringFlag, "true");
        return builder.Build();
    }

    // The scheduling message as it came, JSON: the payload travels as it was serialized, whatever its type.
    private static (JsonObject Outer, JsonObject Message) Read(ConsumeContext context)
    {
        var outer = JsonNode.Parse(context.ReceiveContext.Body.GetBytes())?.AsObject() ?? throw new InvalidOperationException("an empty scheduling message");
        return (outer, outer["message"]?.AsObject() ?? throw new InvalidOperationException("a scheduling message without its message"));
    }

    /// <summary>The MassTransit envelope of the scheduled message: its type and body, the scheduling message's ids and headers.</summary>
    internal static JsonObject Envelope(JsonObject outer, JsonObject message, string destination, string? token)
    {
        var envelope = new JsonObject();
        foreach (var field in (string[])["messageId", "requestId", "correlationId", "conversationId", "initiatorId", "sourceAddress", "responseAddress", "faultAddress", "expirationTime"])
            if (outer[field] is { } value) envelope[field] = value.DeepClone();
        envelope["destinationAddress"] = destination;
        envelope["messageType"] = message["payloadType"]?.DeepClone() ?? new JsonArray();
        envelope["message"] = message["payload"]?.DeepClone() ?? new JsonObject();
        // Headers (MT-Redelivery-Count among them) are read from the envelope, not from the AMQP properties.
        var headers = outer["headers"] is JsonObject h ? (JsonObject)h.DeepClone() : new JsonObject();
        if (token is not null) headers["MT-Scheduling-TokenId"] = token;
        envelope["headers"] = headers;
        return envelope;
    }

    /// <summary>
    /// Where a scheduled message is sent on this node's bus: an <c>exchange:</c> address as it is; any other
    /// (<c>queue:orders</c>, <c>rabbitmq://host/vhost/orders?durable=true</c>) to the queue of its name,
    /// <c>queue:orders</c>, declared and bound to its exchange as MassTransit does, so the message is kept even before
    /// its consumer first started.
    /// </summary>
    internal static string SendAddress(string destination) =>
        destination.StartsWith("exchange:", StringComparison.Ordinal) ? "exchange:" + EndpointName(destination) : "queue:" + EndpointName(destination);

    /// <summary>
    /// The exchange a MassTransit address names: <c>queue:orders</c>, <c>exchange:orders</c> and
    /// <c>rabbitmq://host/vhost/orders?durable=true</c> all name <c>orders</c>.
    /// </summary>
    internal static string EndpointName(string address)
    {
        var withoutQuery = address.Split('?')[0];
        if (withoutQuery.StartsWith("queue:", StringComparison.Ordinal) || withoutQuery.StartsWith("exchange:", StringComparison.Ordinal))
            return withoutQuery[(withoutQuery.IndexOf(':') + 1)..];
        return Uri.TryCreate(withoutQuery, UriKind.Absolute, out var uri)
            ? Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/').Split('/')[^1])
            : withoutQuery;
    }
}
