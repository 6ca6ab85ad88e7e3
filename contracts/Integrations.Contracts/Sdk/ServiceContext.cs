using System.Text.Json;
using Integrations.Messages;
using Integrations.Runtime;

namespace Integrations;

/// <summary>
/// What a running service knows about its call and what it may do besides its own work: log under the
/// call's correlation id, and invoke other services.
/// </summary>
public sealed class ServiceContext
{
    private readonly InvokeService _request;
    private readonly IServiceRuntime _runtime;
    private Outgoing? _out;
    private ServiceScheduler? _scheduler;
    private ServiceResponse? _response;

    /// <summary>Creates a context; the runtime does this for every call, <see cref="Testing.ServiceTestHarness"/> in a test.</summary>
    internal ServiceContext(InvokeService request, ServiceLog log, IServiceRuntime runtime, CancellationToken cancellation = default)
    {
        _request = request;
        _runtime = runtime;
        Log = log;
        Cancellation = cancellation;
    }

    /// <summary>The correlation id: it names this call in every log line, on every hop, and in the answer's <c>X-Esb-Cid</c> header.</summary>
    public string Cid => _request.Cid;

    /// <summary>What outgoing calls made for this call carry: its cid, its cancellation, the service's name.</summary>
    internal CallScope Scope => new(Cid, Cancellation, Service);

    /// <summary>The call as it reached the service: its input as it came, and where it came from.</summary>
    internal InvokeService Request => _request;

    /// <summary>The name of the running service.</summary>
    public string Service => _request.Service;

    /// <summary>The channel the call came through (e.g. <c>admin</c>, a REST channel's name, <c>invoke</c> for a service-to-service call).</summary>
    public string Channel => _request.Channel;

    /// <summary>Who called, as the channel authenticated them, if it did.</summary>
    public string? Caller => _request.Caller;

    /// <summary>
    /// What the channel knows of the message besides its input: for an AMQP channel <c>amqp.routing_key</c>,
    /// <c>amqp.exchange</c>, <c>amqp.message_id</c>, <c>amqp.correlation_id</c>, <c>amqp.reply_to</c> and each header as
    /// <c>amqp.header.NAME</c>; empty for calls that have none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties => _request.Properties ?? NoProperties;

    /// <summary>The key in <see cref="Properties"/> of <see cref="MessageId"/>.</summary>
    public const string MessageIdProperty = "message_id";

    /// <summary>The key in <see cref="Properties"/> of <see cref="Redelivered"/> (<c>true</c> or <c>false</c>).</summary>
    public const string RedeliveredProperty = "redelivered";

    /// <summary>
    /// The id of the message this call came from, for a service that must not do the same thing twice: the sender's
    /// message id on AMQP and MQ channels (null when it gave none), the published message's id for a pub/sub
    /// subscription, the durable call's id for a call sent with <c>SendAsync</c>; null for calls a caller waits for.
    /// Delivery is at least once: the same message may come again (see <see cref="Redelivered"/>), with the same id.
    /// </summary>
    public string? MessageId => Properties.TryGetValue(MessageIdProperty, out var id) ? id : null;

    /// <summary>Whether the broker gave this message before (to this node or another) without hearing that it was done.</summary>
    public bool Redelivered => Properties.TryGetValue(RedeliveredProperty, out var value) && value == "true";

    private static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>();

    /// <summary>When the caller stops waiting. Work past it is wasted.</summary>
    public DateTimeOffset Deadline => _request.Deadline;

    /// <summary>A logger that stamps every line with this call's <c>cid=</c> and the service's name.</summary>
    public ServiceLog Log { get; }

    /// <summary>Signalled when the node shuts down or the deadline passes.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Outgoing connections by name: <c>await ctx.Out.Rest["CRM"].GetAsync(new { UserName = name })</c>.</summary>
    public Outgoing Out => _out ??= new Outgoing(this, _runtime.Connections);

    /// <summary>Runs of services later, once: <c>await ctx.Scheduler.RunOnceAsync("access.revoke", new { user }, TimeSpan.FromMinutes(20))</c>.</summary>
    public ServiceScheduler Scheduler => _scheduler ??= new ServiceScheduler(this, _runtime);

    /// <summary>The status and headers of this call's answer, which channels pass on to the caller.</summary>
    public ServiceResponse Response => _response ??= new ServiceResponse();

    /// <summary>The response settings, if the service touched them.</summary>
    internal ServiceResponse? ResponseIfSet => _response;

    /// <summary>
    /// Calls another service in this process, as a method call, under this call's correlation id and deadline, and
    /// waits for its answer.
    /// </summary>
    /// <returns>The other service's answer, read as <typeparamref name="TOutput"/>.</returns>
    /// <exception cref="ServiceInvocationException">The other service answered with an error status.</exception>
    public async Task<TOutput> CallAsync<TOutput>(string service, object? input = null)
    {
        var output = await CallHere(service, input).ConfigureAwait(false);
        return JsonSerializer.Deserialize<TOutput>(output, ServiceJson.For(typeof(TOutput)))!;
    }

    /// <summary>Calls another service in this process and returns its answer as JSON.</summary>
    /// <exception cref="ServiceInvocationException">The other service answered with an error status.</exception>
    public async Task<JsonElement> CallAsync(string service, object? input = null)
    {
        var output = await CallHere(service, input).ConfigureAwait(false);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Sends a call to another service's queue and returns once the broker has it, without waiting for it to run.
    /// The message is durable: it survives a node restart, and any node that has the service may run it. It carries
    /// this call's correlation id.
    /// </summary>
    public Task SendAsync(string service, object? input = null) =>
        _runtime.SendAsync(CallTo(service, input, default), Cancellation);

    /// <summary>The former name of <see cref="CallAsync{TOutput}"/>.</summary>
    [Obsolete("Use CallAsync<TOutput>: it calls the service in this process and waits for its answer.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public Task<TOutput> Invoke<TOutput>(string service, object? input = null) => CallAsync<TOutput>(service, input);

    /// <summary>The former name of <see cref="CallAsync(string, object?)"/>.</summary>
    [Obsolete("Use CallAsync: it calls the service in this process and waits for its answer.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public Task<JsonElement> Invoke(string service, object? input = null) => CallAsync(service, input);

    /// <summary>The former name of <see cref="SendAsync"/>.</summary>
    [Obsolete("Use SendAsync: it sends a durable call to the service's queue and does not wait for it to run.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public Task InvokeAsync(string service, object? input = null) => SendAsync(service, input);

    /// <summary>
    /// Sends <paramref name="message"/> (JSON) to WebSocket clients on every node: the client whose id is
    /// <paramref name="target"/>, or every client subscribed to the topic <c>topic:NAME</c>. Clients that are not
    /// connected miss it.
    /// </summary>
    public Task PushAsync(string target, object? message) =>
        _runtime.PushAsync(target, message switch
        {
            null => "null",
            string json => json,
            _ => JsonSerializer.Serialize(message, message.GetType(), ServiceJson.For(message.GetType())),
        }, Cid, Cancellation);

    /// <summary>
    /// Publishes <paramref name="message"/> (JSON) to a publish/subscribe topic: every subscription gets it, at least
    /// once, through its own durable queue. Returns once the broker has it.
    /// </summary>
    /// <exception cref="ServiceException">404 when there is no such topic, 403 when it is inactive.</exception>
    public Task PublishAsync(string topic, object? message) =>
        _runtime.PublishAsync(topic, message switch
        {
            null => "null",
            string json => json,
            _ => JsonSerializer.Serialize(message, message.GetType(), ServiceJson.For(message.GetType())),
        }, Cid, Cancellation);

    private async Task<string> CallHere(string service, object? input)
    {
        var result = await _runtime.RunHereAsync(CallTo(service, input, Deadline), Cancellation).ConfigureAwait(false);
        if (result.Status >= 400)
            throw new ServiceInvocationException(service, result.Status, result.Error ?? "failed");
        return result.Output ?? "null";
    }

    internal InvokeService CallTo(string service, object? input, DateTimeOffset deadline) => new()
    {
        Service = service,
        Cid = Cid,
        Input = input switch
        {
            null => default,
            string json => InvokeService.Json(json),
            _ => JsonSerializer.SerializeToUtf8Bytes(input, input.GetType(), ServiceJson.For(input.GetType())),
        },
        Channel = "invoke",
        Caller = Service,
        Deadline = deadline,
    };
}
