using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Bus.Outgoing;
using Integrations.Bus.Transports.Amqp;
using Integrations.Bus.Transports.Mq;
using Integrations.Config;
using Integrations.Messages;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Adapters.Mq;

/// <summary>
/// Runs the MQ channels on a node with the edge role: for each active <see cref="ChannelMq"/>, a receiver link on its
/// address that invokes the service through the backbone and settles a message only after the service finished
/// (accepted; answered to <c>reply-to</c> when it has one). A failed message (5xx) is tried again, then sent to the
/// dead-letter address with the reason and accepted, or, without one, rejected for the broker to dead-letter.
/// </summary>
public sealed class MqChannels(ConfigView view, MqBrokers brokers, ServiceClient client, ILogger log) : BackgroundService
{
    private static readonly string Kind = ConfigKinds.NameOf(typeof(ChannelMq));
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private readonly Dictionary<string, (ChannelMq Definition, Session Session, ReceiverLink Receiver)> _running = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "mq-channel");
    private CancellationToken _stopping;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        view.Changed += OnChanged;
        brokers.Replaced += OnConnectionReplaced;
        foreach (var channel in view.All<ChannelMq>()) _pending.Writer.TryWrite(channel.Name);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        view.Changed -= OnChanged;
        brokers.Replaced -= OnConnectionReplaced;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in _running.Keys.ToList()) await StopChannelAsync(name).ConfigureAwait(false);
    }

    private void OnChanged(string kind, string name, IConfigObject? value)
    {
        if (kind == Kind) _pending.Writer.TryWrite(name);
    }

    private void OnConnectionReplaced(string connection)
    {
        foreach (var channel in view.All<ChannelMq>().Where(c => c.Connection == connection)) _pending.Writer.TryWrite(channel.Name);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await foreach (var name in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var wanted = view.Find<ChannelMq>(name);
                if (_running.TryGetValue(name, out var running) && wanted is not null && ConfigView.SameContent(running.Definition, wanted) && !running.Receiver.IsClosed) continue;
                await StopChannelAsync(name).ConfigureAwait(false);
                if (wanted is not { IsActive: true }) continue;
                try
                {
                    var connection = await brokers.ConnectAsync(wanted.Connection).ConfigureAwait(false);
                    var session = new Session(connection);
                    var receiver = new ReceiverLink(session, $"esb-{wanted.Name}", wanted.Address);
                    receiver.Closed += (closedLink, error) =>
                    {
                        if (!_stopping.IsCancellationRequested && error is not null)
                        {
                            _log.Warning("channel_mq {Name}: the broker closed the link ({Reason}); receiving again in 5 s", wanted.Name, error.Description);
                            _ = Task.Delay(TimeSpan.FromSeconds(5), _stopping).ContinueWith(_ => _pending.Writer.TryWrite(wanted.Name), TaskScheduler.Default);
                        }
                    };
                    _running[name] = (wanted, session, receiver);
                    receiver.Start(wanted.Credit, (link, message) => _ = HandleAsync(wanted, session, (ReceiverLink)link, message));
                    _log.Information("channel_mq {Name}: receiving from {Address} on {Broker} into {Service} (credit {Credit})",
                        wanted.Name, wanted.Address, MqBrokers.Describe(view.Find<ConnectionMq>(wanted.Connection)!), wanted.Service, wanted.Credit);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.Error("channel_mq {Name}: cannot receive from {Address} ({Reason}); trying again in 5 s", name, wanted.Address, e.Message);
                    _ = Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => _pending.Writer.TryWrite(name), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    private async Task StopChannelAsync(string name)
    {
        if (!_running.Remove(name, out var running)) return;
        try
        {
            // Unsettled messages are released when the link closes: the broker delivers them again.
            await running.Receiver.CloseAsync().ConfigureAwait(false);
            await running.Session.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug(e, "channel_mq {Name}: closing the link failed", name);
        }
        _log.Information("channel_mq {Name}: stopped receiving from {Address}", name, running.Definition.Address);
    }

    private async Task HandleAsync(ChannelMq definition, Session session, ReceiverLink link, Message message)
    {
        var properties = PropertiesOf(message);
        var cid = properties.TryGetValue("mq.property.esb-cid", out var given) && Cid.IsAcceptable(given) ? given : Cid.New();
        var log = _log.ForContext("Cid", cid);
        var started = Stopwatch.GetTimestamp();
        var text = MqMessages.Text(message);
        log.Information("MQ cha → cid={Cid}; address={Address}; name={Name}; len={Length}", cid, definition.Address, definition.Name, text.Length);
        try
        {
            var call = new InvokeService { Service = definition.Service, Cid = cid, Input = Input(text), Channel = definition.Name, Caller = "mq:" + definition.Address, Properties = properties };
            ServiceResult result;
            var attempt = 0;
            while (true)
            {
                result = await client.InvokeAsync(call, _stopping).ConfigureAwait(false);
                if (result.Status < 500 || attempt >= definition.Retries || _stopping.IsCancellationRequested) break;
                attempt++;
                log.Warning("channel_mq {Name}: {Service} failed ({Status}): trying again ({Attempt} of {Retries})", definition.Name, definition.Service, result.Status, attempt, definition.Retries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _stopping).ConfigureAwait(false);
            }
            if (result.Status < 400)
            {
                if (message.Properties?.ReplyTo is { Length: > 0 } replyTo)
                {
                    var answer = MqMessages.Create(Encoding.UTF8.GetBytes(result.Output ?? "null"), Guid.NewGuid().ToString("N"),
                        message.Properties.CorrelationId ?? message.Properties.MessageId, durable: false);
                    answer.ApplicationProperties["esb-cid"] = cid;
                    answer.ApplicationProperties["esb-status"] = result.Status;
                    var sender = new SenderLink(session, $"esb-reply-{Guid.NewGuid():N}", replyTo);
                    await sender.SendAsync(answer).ConfigureAwait(false);
                    await sender.CloseAsync().ConfigureAwait(false);
                }
                link.Accept(message);
            }
            else if (definition.DeadLetterAddress is { } deadLetters)
            {
                var moved = MqMessages.Create(Encoding.UTF8.GetBytes(text), message.Properties?.MessageId, message.Properties?.CorrelationId, durable: true);
                if (message.ApplicationProperties is { } original) foreach (var key in original.Map.Keys) moved.ApplicationProperties[key] = original[key];
                moved.ApplicationProperties["esb-cid"] = cid;
                moved.ApplicationProperties["esb-status"] = result.Status;
                moved.ApplicationProperties["esb-error"] = result.Error ?? "failed";
                moved.ApplicationProperties["esb-channel"] = definition.Name;
                moved.ApplicationProperties["esb-attempts"] = attempt + 1;
                moved.ApplicationProperties["esb-failed-at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                var sender = new SenderLink(session, $"esb-dead-{Guid.NewGuid():N}", deadLetters);
                await sender.SendAsync(moved).ConfigureAwait(false);
                await sender.CloseAsync().ConfigureAwait(false);
                link.Accept(message);
                log.Warning("channel_mq {Name}: {Service} answered {Status} ({Error}); the message is kept at {DeadLetterAddress}", definition.Name, definition.Service, result.Status, result.Error, deadLetters);
            }
            else
            {
                link.Reject(message, new Error(new Amqp.Types.Symbol("amqp:internal-error")) { Description = $"{result.Status}: {result.Error}" });
                log.Warning("channel_mq {Name}: {Service} answered {Status} ({Error}); rejected for the broker to dead-letter", definition.Name, definition.Service, result.Status, result.Error);
            }
            log.Information("MQ cha ← cid={Cid}; {Status} time={Time:0.###}ms", cid, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            // Released: the broker delivers it again.
            log.Error(e, "channel_mq {Name}: the message could not be settled; released to {Address}", definition.Name, definition.Address);
            try
            {
                link.Release(message);
            }
            catch (AmqpException)
            {
                // The link is gone: the broker gives the message again anyway.
            }
        }
    }

    private static string Input(string text)
    {
        if (text.Length == 0) return "{}";
        try
        {
            var node = JsonNode.Parse(text);
            return node is JsonObject ? text : new JsonObject { ["body"] = node }.ToJsonString();
        }
        catch (JsonException)
        {
            return new JsonObject { ["body"] = text }.ToJsonString();
        }
    }

    private static Dictionary<string, string> PropertiesOf(Message message)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.Properties is { } p)
        {
            if (p.MessageId is { } id) values["mq.message_id"] = id;
            if (p.CorrelationId is { } correlation) values["mq.correlation_id"] = correlation;
            if (p.ReplyTo is { } reply) values["mq.reply_to"] = reply;
            if (p.Subject is { } subject) values["mq.subject"] = subject;
            if (p.To is { } to) values["mq.to"] = to;
        }
        if (message.ApplicationProperties is { } application)
            foreach (var key in application.Map.Keys)
                values["mq.property." + key] = Convert.ToString(application[key], CultureInfo.InvariantCulture) ?? "";
        return values;
    }
}
