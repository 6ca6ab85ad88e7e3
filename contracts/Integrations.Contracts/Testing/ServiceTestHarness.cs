using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Integrations.Messages;
using Integrations.Runtime;

namespace Integrations.Testing;

/// <summary>
/// Runs a service in a plain unit test, with no node and no broker: the outgoing connections, the other services it
/// calls, and what it sends, publishes, pushes and schedules are the test's. The input goes through the same binding
/// as on a node (snake_case JSON, required fields checked), so a test sees the service as its callers do.
/// </summary>
/// <example>
/// <code>
/// var harness = new ServiceTestHarness()
///     .Rest("CRM", request =&gt; new { UserType = "RGV", AccountNumber = "123456" })
///     .Rest("Billing", request =&gt; new { ACC_BALANCE = "357.9" });
/// var output = await harness.RunAsync(new GetUserDetails(), new GetUserDetails.Input("Mike"));
/// Assert.Equal("RGV", output.UserType);
/// Assert.Equal("Mike", harness.RestCalls[0].Query["UserName"]);
/// </code>
/// </example>
public sealed class ServiceTestHarness
{
    private readonly Dictionary<string, Func<RestRequest, RestResponse>> _rest = new(StringComparer.Ordinal);
    private readonly HashSet<string> _amqp = new(StringComparer.Ordinal), _mq = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ServiceContext, Task<ServiceResult>>> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RestCall> _restCalls = new();
    private readonly ConcurrentQueue<(string Connection, AmqpMessage Message)> _amqpSent = new(), _mqSent = new();
    private readonly ConcurrentQueue<(string Service, JsonElement Input)> _sent = new();
    private readonly ConcurrentQueue<(string Topic, JsonElement Message)> _published = new();
    private readonly ConcurrentQueue<(string Target, JsonElement Message)> _pushed = new();
    private readonly ConcurrentQueue<(string Id, string Service, JsonElement Input, DateTimeOffset At)> _scheduled = new();
    private readonly ConcurrentQueue<string> _log = new();
    private int _nextId;

    /// <summary>The cid every call of this harness carries.</summary>
    public string Cid { get; init; } = "test";

    /// <summary>The caller the service sees (<see cref="ServiceContext.Caller"/>), if any.</summary>
    public string? Caller { get; init; }

    /// <summary>What the call carries besides its body (<see cref="ServiceContext.Properties"/>).</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }

    /// <summary>How long the service may run before its <see cref="ServiceContext.Cancellation"/> fires.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The outgoing REST connection <paramref name="connection"/> answers 200 with <paramref name="answer"/>'s result as JSON (a string as it is).</summary>
    public ServiceTestHarness Rest(string connection, Func<RestRequest, object?> answer) =>
        Rest(connection, request => Answer(connection, HttpStatusCode.OK, answer(request)));

    /// <summary>The outgoing REST connection <paramref name="connection"/> answers every call with <paramref name="status"/> and <paramref name="body"/>.</summary>
    public ServiceTestHarness Rest(string connection, HttpStatusCode status, object? body = null) =>
        Rest(connection, _ => Answer(connection, status, body));

    /// <summary>The outgoing REST connection <paramref name="connection"/> answers as <paramref name="answer"/> says (any status, headers, body).</summary>
    public ServiceTestHarness Rest(string connection, Func<RestRequest, RestResponse> answer)
    {
        _rest[connection] = answer;
        return this;
    }

    /// <summary>The outgoing REST connection <paramref name="connection"/> cannot be reached: every call fails as on a node (502 naming it).</summary>
    public ServiceTestHarness RestUnreachable(string connection, string reason = "connection refused") =>
        Rest(connection, (Func<RestRequest, RestResponse>)(_ => throw new OutgoingCallException(connection, reason)));

    /// <summary>An answer of an outgoing REST connection, for <see cref="Rest(string, Func{RestRequest, RestResponse})"/>.</summary>
    public static RestResponse Answer(string connection, HttpStatusCode status, object? body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(connection, status, headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), body switch
        {
            null => "",
            string text => text,
            _ => JsonSerializer.Serialize(body, body.GetType()),
        });

    /// <summary>The outgoing AMQP connection <paramref name="connection"/> takes every message (see <see cref="AmqpSent"/>).</summary>
    public ServiceTestHarness Amqp(string connection)
    {
        _amqp.Add(connection);
        return this;
    }

    /// <summary>The outgoing MQ connection <paramref name="connection"/> takes every message (see <see cref="MqSent"/>).</summary>
    public ServiceTestHarness Mq(string connection)
    {
        _mq.Add(connection);
        return this;
    }

    /// <summary>The service <typeparamref name="TService"/> (by its <c>[Service]</c> name) runs when the service under test calls it (<c>ctx.CallAsync</c>).</summary>
    public ServiceTestHarness Service<TService>() where TService : IService, new()
    {
        var name = typeof(TService).GetCustomAttribute<ServiceAttribute>()?.Name
            ?? throw new ArgumentException($"{typeof(TService).Name} has no [Service(\"name\")] attribute");
        _services[name] = context => RunAsync(new TService(), context);
        return this;
    }

    /// <summary>A call to the service <paramref name="name"/> (<c>ctx.CallAsync</c>) answers with <paramref name="answer"/>'s result, given the call's input as JSON.</summary>
    public ServiceTestHarness Service(string name, Func<JsonElement, object?> answer)
    {
        _services[name] = context =>
        {
            var output = answer(InputOf(context.Request));
            return Task.FromResult(ServiceResult.Ok(context.Cid, output is string json ? json : JsonSerializer.Serialize(output, output?.GetType() ?? typeof(object), ServiceJson.For(output?.GetType() ?? typeof(object)))));
        };
        return this;
    }

    /// <summary>Every call made to an outgoing REST connection, in order.</summary>
    public IReadOnlyList<RestCall> RestCalls => [.. _restCalls];

    /// <summary>Every message published on an outgoing AMQP connection, in order.</summary>
    public IReadOnlyList<(string Connection, AmqpMessage Message)> AmqpSent => [.. _amqpSent];

    /// <summary>Every message sent on an outgoing MQ connection, in order.</summary>
    public IReadOnlyList<(string Connection, AmqpMessage Message)> MqSent => [.. _mqSent];

    /// <summary>Every durable call sent to another service (<c>ctx.SendAsync</c>), with its input.</summary>
    public IReadOnlyList<(string Service, JsonElement Input)> Sent => [.. _sent];

    /// <summary>Every message published to a topic (<c>ctx.PublishAsync</c>).</summary>
    public IReadOnlyList<(string Topic, JsonElement Message)> Published => [.. _published];

    /// <summary>Every message pushed to WebSocket clients (<c>ctx.PushAsync</c>).</summary>
    public IReadOnlyList<(string Target, JsonElement Message)> Pushed => [.. _pushed];

    /// <summary>Every run scheduled (<c>ctx.Scheduler.RunOnceAsync</c>) and not cancelled since.</summary>
    public IReadOnlyList<(string Id, string Service, JsonElement Input, DateTimeOffset At)> Scheduled => [.. _scheduled];

    /// <summary>What the services logged, rendered (strings unquoted), after the level: <c>INF Greeting Mike</c>.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>The status and headers the last service run chose (<c>ctx.Response</c>), if it chose any.</summary>
    public ServiceResponse? Response { get; private set; }

    /// <summary>
    /// Runs <paramref name="service"/> with <paramref name="input"/>, as a node would, and returns its answer. A
    /// <see cref="ServiceException"/> the service throws (a missing field is a 400 one) comes out as it was thrown.
    /// </summary>
    public async Task<TOutput> RunAsync<TInput, TOutput>(Service<TInput, TOutput> service, TInput input)
    {
        var json = await RunJsonAsync(service, input is null ? "{}" : JsonSerializer.Serialize(input, ServiceJson.For(typeof(TInput)))).ConfigureAwait(false);
        return JsonSerializer.Deserialize<TOutput>(json, ServiceJson.For(typeof(TOutput)))!;
    }

    /// <summary>Runs <paramref name="service"/> with an input given as JSON (or nothing), and returns its answer as JSON.</summary>
    public async Task<string> RunJsonAsync(IService service, string? inputJson = null)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var context = new ServiceContext(Call(NameOf(service), inputJson), Logger(), new Runtime(this), deadline.Token);
        var output = await service.RunAsync(context).ConfigureAwait(false);
        Response = context.ResponseIfSet;
        return output;
    }

    private InvokeService Call(string service, string? inputJson) => new()
    {
        Service = service,
        Cid = Cid,
        Input = inputJson is null ? default : Encoding.UTF8.GetBytes(inputJson),
        Channel = "test",
        Caller = Caller,
        Deadline = DateTimeOffset.UtcNow + Timeout,
        Properties = Properties,
    };

    private static string NameOf(IService service) => service.GetType().GetCustomAttribute<ServiceAttribute>()?.Name ?? service.GetType().Name;

    private static async Task<ServiceResult> RunAsync(IService service, ServiceContext context)
    {
        try
        {
            var output = await service.RunAsync(context).ConfigureAwait(false);
            return context.ResponseIfSet is { } response
                ? new ServiceResult { Cid = context.Cid, Status = response.Status, Output = output }
                : ServiceResult.Ok(context.Cid, output);
        }
        catch (ServiceException e)
        {
            return ServiceResult.Failed(context.Cid, e.Status, e.Message);
        }
    }

    private static JsonElement InputOf(InvokeService call)
    {
        using var document = JsonDocument.Parse(call.Input.IsEmpty ? "{}"u8.ToArray() : call.Input.ToArray());
        return document.RootElement.Clone();
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private ServiceLog Logger() => new Lines(_log);

    // A line as the node writes its message ({Message:lj}): each hole filled in order, strings as they are.
    private sealed class Lines(ConcurrentQueue<string> lines) : ServiceLog
    {
        public override bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel != Microsoft.Extensions.Logging.LogLevel.None;

        protected override void Write(Microsoft.Extensions.Logging.LogLevel level, Exception? exception, string messageTemplate, object?[] values) =>
            lines.Enqueue($"{Level(level)} {Render(messageTemplate, values)}");

        private static string Render(string template, object?[] values)
        {
            var text = new StringBuilder(template.Length + 16);
            var next = 0;
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
                {
                    text.Append(c);
                    i++;
                    continue;
                }
                var end = c == '{' ? template.IndexOf('}', i) : -1;
                if (end < 0 || next >= values.Length)
                {
                    text.Append(c);
                    continue;
                }
                // {Name}, {@Name}, {Name:format}, {Name,alignment:format}
                var hole = template.AsSpan(i + 1, end - i - 1);
                var colon = hole.IndexOf(':');
                var format = colon >= 0 ? hole[(colon + 1)..].ToString() : null;
                var head = colon >= 0 ? hole[..colon] : hole;
                var comma = head.IndexOf(',');
                var value = Text(values[next++], format);
                if (comma >= 0 && int.TryParse(head[(comma + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var width))
                    value = width < 0 ? value.PadRight(-width) : value.PadLeft(width);
                text.Append(value);
                i = end;
            }
            return text.ToString();
        }

        private static string Text(object? value, string? format) => value switch
        {
            null => "null",
            string s => s,
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(item => Text(item, null))) + "]",
            _ => value.ToString() ?? "",
        };

        private static string Level(Microsoft.Extensions.Logging.LogLevel level) => level switch
        {
            Microsoft.Extensions.Logging.LogLevel.Trace => "VRB",
            Microsoft.Extensions.Logging.LogLevel.Debug => "DBG",
            Microsoft.Extensions.Logging.LogLevel.Information => "INF",
            Microsoft.Extensions.Logging.LogLevel.Warning => "WRN",
            Microsoft.Extensions.Logging.LogLevel.Error => "ERR",
            _ => "FTL",
        };
    }

    // What the service under test reaches through its context: all of it the test's.
    private sealed class Runtime(ServiceTestHarness harness) : IServiceRuntime, IOutgoingConnections
    {
        public IOutgoingConnections Connections => this;

        public async Task<ServiceResult> RunHereAsync(InvokeService request, CancellationToken cancellation)
        {
            if (!harness._services.TryGetValue(request.Service, out var run))
                return ServiceResult.Failed(request.Cid, 404, $"no service named '{request.Service}' (give the test harness one: .Service<T>() or .Service(\"{request.Service}\", input => …))");
            return await run(new ServiceContext(request, harness.Logger(), this, cancellation)).ConfigureAwait(false);
        }

        public Task SendAsync(InvokeService request, CancellationToken cancellation)
        {
            harness._sent.Enqueue((request.Service, InputOf(request)));
            return Task.CompletedTask;
        }

        public Task<string> ScheduleOnceAsync(InvokeService request, DateTimeOffset at, CancellationToken cancellation)
        {
            var id = "once-test-" + Interlocked.Increment(ref harness._nextId);
            harness._scheduled.Enqueue((id, request.Service, InputOf(request), at));
            return Task.FromResult(id);
        }

        public Task<bool> CancelScheduledAsync(string id, CancellationToken cancellation)
        {
            var kept = harness._scheduled.Where(s => s.Id != id).ToList();
            var found = kept.Count != harness._scheduled.Count;
            harness._scheduled.Clear();
            foreach (var s in kept) harness._scheduled.Enqueue(s);
            return Task.FromResult(found);
        }

        public Task PublishAsync(string topic, string json, string cid, CancellationToken cancellation)
        {
            harness._published.Enqueue((topic, Parse(json)));
            return Task.CompletedTask;
        }

        public Task PushAsync(string target, string json, string cid, CancellationToken cancellation)
        {
            harness._pushed.Enqueue((target, Parse(json)));
            return Task.CompletedTask;
        }

        public Task<RestResponse> SendRestAsync(string name, RestRequest request, CallScope scope)
        {
            if (!harness._rest.TryGetValue(name, out var answer))
                throw new ServiceException(500, $"no outgoing_rest named '{name}' (give the test harness one: .Rest(\"{name}\", request => …))");
            harness._restCalls.Enqueue(new RestCall(name, request));
            return Task.FromResult(answer(request));
        }

        public Task PublishAmqpAsync(string name, AmqpMessage message, CallScope scope)
        {
            if (!harness._amqp.Contains(name))
                throw new ServiceException(500, $"no outgoing_amqp named '{name}' (give the test harness one: .Amqp(\"{name}\"))");
            harness._amqpSent.Enqueue((name, message));
            return Task.CompletedTask;
        }

        public Task SendMqAsync(string name, AmqpMessage message, CallScope scope)
        {
            if (!harness._mq.Contains(name))
                throw new ServiceException(500, $"no outgoing_mq named '{name}' (give the test harness one: .Mq(\"{name}\"))");
            harness._mqSent.Enqueue((name, message));
            return Task.CompletedTask;
        }
    }
}
