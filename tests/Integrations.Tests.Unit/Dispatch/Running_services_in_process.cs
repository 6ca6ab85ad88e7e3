using Integrations.Bus.Backbone;
using Integrations.Bus.Config;
using Integrations.Bus.Node;
using Integrations.Bus.Services;
using Integrations.Messages;
using Serilog.Events;

namespace Integrations.Tests.Unit.Dispatch;

public sealed class Running_services_in_process
{
    [Service("test.fail")]
    public sealed class Fail : Service<NoInput, string>
    {
        protected override Task<string> Handle(NoInput input, ServiceContext ctx) => throw new InvalidOperationException("the database is on fire");
    }

    [Service("test.refuse")]
    public sealed class Refuse : Service<NoInput, string>
    {
        protected override Task<string> Handle(NoInput input, ServiceContext ctx) => throw new ServiceException(409, "already done");
    }

    [Service("test.not-an-error")]
    public sealed class NotAnError : Service<NoInput, string>
    {
        protected override Task<string> Handle(NoInput input, ServiceContext ctx) => throw new ServiceException(200, "fine?");
    }

    [Service("test.slow")]
    public sealed class Slow : Service<NoInput, string>
    {
        protected override async Task<string> Handle(NoInput input, ServiceContext ctx)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.Cancellation);
            return "done";
        }
    }

    [Service("test.shout")]
    public sealed class Shout : Service<Shout.Input, Shout.Output>
    {
        public sealed record Input(string Name);
        public sealed record Output(string Text, string Cid);

        protected override async Task<Output> Handle(Input input, ServiceContext ctx)
        {
            var hello = await ctx.CallAsync<Integrations.Services.Demo.Hello.Output>("demo.hello", new { name = input.Name });
            return new(hello.Greeting.ToUpperInvariant(), ctx.Cid);
        }
    }

    private readonly LogCapture _log = new();
    private readonly ServiceRuntime _runtime;

    private readonly Integrations.Bus.Telemetry.Hops _hops = new(new NodeOptions { NodeName = "unit-node" });

    public Running_services_in_process()
    {
        var catalog = new ServiceCatalog();
        foreach (var type in new[] { typeof(Fail), typeof(Refuse), typeof(Slow), typeof(Shout), typeof(NotAnError) })
            catalog.Add(ServiceDefinition.Describe(type, "test"));
        catalog.AddAssembly(Integrations.Services.ShippedServices.Assembly, "built-in");
        // RunHereAsync never touches the broker: the client's bus parts stay unset.
        var directory = new ServiceDirectory(catalog, new ConfigView(), new NodeOptions());
        var client = new ServiceClient(catalog, directory, null!, _hops, _log.Logger);
        _runtime = new ServiceRuntime(directory, client, null!, null!, null!, null!, _hops, _log.Logger);
    }

    private Task<ServiceResult> Run(string service, string input = "{}", DateTimeOffset deadline = default) =>
        _runtime.RunHereAsync(new InvokeService { Service = service, Cid = "cid-1", Input = InvokeService.Json(input), Channel = "test", Deadline = deadline }, CancellationToken.None);

    [Fact]
    public async Task A_service_answers_with_snake_case_json()
    {
        var result = await Run("demo.hello", """{"name": "Mike"}""");
        Assert.Equal(200, result.Status);
        Assert.Equal("""{"greeting":"Howdy Mike!"}""", result.Output);
    }

    [Fact]
    public async Task With_no_name_demo_hello_greets_a_partner() =>
        Assert.Equal("""{"greeting":"Howdy partner!"}""", (await Run("demo.hello")).Output);

    [Fact]
    public async Task An_exception_is_a_500_with_the_cid_and_no_stack_trace_while_the_log_has_it()
    {
        var result = await Run("test.fail");
        Assert.Equal(500, result.Status);
        Assert.Contains("cid=cid-1", result.Error);
        Assert.DoesNotContain("on fire", result.Error);
        Assert.DoesNotContain(" at ", result.Error);
        var logged = Assert.Single(_log.Events, e => e.Level == LogEventLevel.Error);
        Assert.Equal("the database is on fire", logged.Exception?.Message);
        Assert.Equal("\"cid-1\"", logged.Properties["Cid"].ToString());
    }

    [Fact]
    public async Task Each_run_is_kept_in_the_nodes_trail_and_counted_in_its_rates()
    {
        await Run("demo.hello");
        await Run("test.fail");
        var hops = _hops.Trail.Of("cid-1");
        Assert.Equal(2, hops.Count);
        Assert.All(hops, h => Assert.Equal(("unit-node", "run", "service"), (h.Node, h.Step, h.Type)));
        Assert.Equal(("demo.hello", "built-in", 200, null), (hops[0].Name, hops[0].Detail, hops[0].Status, hops[0].Error));
        Assert.Equal(("test.fail", "test", 500), (hops[1].Name, hops[1].Detail, hops[1].Status));
        Assert.Contains("cid=cid-1", hops[1].Error);
        Assert.Empty(_hops.Trail.Of("another-cid"));

        var now = Integrations.Bus.Telemetry.Rates.StepOf(DateTimeOffset.UtcNow);
        var failing = Assert.Single(_hops.Rates.Between(now - 1, now, 1), s => s.Name == "test.fail");
        Assert.Equal(("service", 1L, 1L), (failing.Kind, failing.Points.Sum(p => p.Calls), failing.Points.Sum(p => p.Errors)));
    }

    [Fact]
    public async Task A_service_exception_chooses_the_status() =>
        Assert.Equal((409, "already done"), ((await Run("test.refuse")).Status, (await Run("test.refuse")).Error));

    [Fact]
    public async Task A_service_exception_with_a_success_status_is_a_500() =>
        Assert.Equal(500, (await Run("test.not-an-error")).Status);

    [Fact]
    public async Task Missing_input_is_a_400_before_the_service_runs()
    {
        var result = await Run("test.shout", "{}");
        Assert.Equal((400, "missing required field: name"), (result.Status, result.Error));
    }

    [Fact]
    public async Task An_unknown_service_is_a_404() =>
        Assert.Equal(404, (await Run("test.nothing")).Status);

    [Fact]
    public async Task A_passed_deadline_is_a_504()
    {
        Assert.Equal(504, (await Run("test.slow", deadline: DateTimeOffset.UtcNow.AddSeconds(-1))).Status);
        var started = DateTimeOffset.UtcNow;
        var result = await Run("test.slow", deadline: DateTimeOffset.UtcNow.AddMilliseconds(200));
        Assert.Equal(504, result.Status);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(5), "the service was not stopped at its deadline");
    }

    [Fact]
    public async Task A_service_invokes_another_in_process_under_the_same_cid()
    {
        var result = await Run("test.shout", """{"name": "Mike"}""");
        Assert.Equal("""{"text":"HOWDY MIKE!","cid":"cid-1"}""", result.Output);
        Assert.Contains(_log.Events, e => e.RenderMessage() == "Greeting \"Mike\"" && e.Properties["Cid"].ToString() == "\"cid-1\"");
    }
}
