using System.Globalization;
using System.Text.Json.Nodes;
using MassTransit;
using Quartz;
using Serilog;

namespace Integrations.Adapters.Scheduler;

/// <summary>
/// Sends one scheduled MassTransit message to its destination with MassTransit's own send (its topology, the
/// envelope as it was serialized); a failed send is tried again, so the message is never lost.
/// </summary>
public sealed class ScheduledMessageJob(IBus endpoints, ILogger log) : IJob
{
    private readonly ILogger _log = log.ForContext("SourceContext", "scheduler");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellation)
    {
        var data = context.MergedJobDataMap;
        var destination = data.GetString(ScheduledMessages.DestinationKey)!;
        var envelope = JsonNode.Parse(data.GetString(ScheduledMessages.EnvelopeKey)!)!.AsObject();
        // Each send of a recurring message is a message of its own.
        if (data.GetString(ScheduledMessages.RecurringFlag) == "true" || envelope["messageId"] is null) envelope["messageId"] = NewId.NextGuid().ToString();
        var headers = envelope["headers"]!.AsObject();
        headers["MT-Quartz-Scheduled"] = context.ScheduledFireTimeUtc?.ToString("O", CultureInfo.InvariantCulture);
        headers["MT-Quartz-Sent"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        try
        {
            var endpoint = await endpoints.GetSendEndpoint(new Uri(ScheduledMessages.SendAddress(destination))).ConfigureAwait(false);
            await endpoint.Send(new ScheduledEnvelope(), Pipe.Execute<SendContext<ScheduledEnvelope>>(send =>
            {
                send.Serializer = new MassTransit.Serialization.CopyBodySerializer(new System.Net.Mime.ContentType("application/vnd.masstransit+json"),
                    new StringMessageBody(envelope.ToJsonString()));
                send.Durable = true;
                if (Guid.TryParse(envelope["messageId"]?.GetValue<string>(), out var messageId)) send.MessageId = messageId;
                if (Guid.TryParse(envelope["correlationId"]?.GetValue<string>(), out var correlationId)) send.CorrelationId = correlationId;
            }), cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(context.RefireCount, 6))));
            _log.Warning(e, "A scheduled message for {Destination} could not be sent; trying again in {Wait}", destination, wait);
            await Task.Delay(wait, cancellation).ConfigureAwait(false);
            throw new JobExecutionException(e) { RefireImmediately = true };
        }
    }
}
