using Integrations.Bus.Logging;
using Integrations.Testing;
using Microsoft.Extensions.Logging;
using LoggerConfiguration = Serilog.LoggerConfiguration;
using Serilog.Core;
using Serilog.Events;

namespace Integrations.Tests.Unit.Logging;

public sealed class Logging_from_a_service
{
    [Service("test.logs")]
    public sealed class Logs : Service<Logs.Input, string>
    {
        public sealed record Input(string Customer);

        protected override Task<string> Handle(Input input, ServiceContext ctx)
        {
            ctx.Log.Information("Order {Id} for {Customer}, {Total:0.00} EUR", 7, input.Customer, 12.5m);
            Microsoft.Extensions.Logging.ILogger log = ctx.Log;
            log.LogWarning("Stock low for {Customer}: {Left,4} left", input.Customer, 3);
            log.LogDebug(new InvalidOperationException("no"), "{{literal}} braces and {Items}", new[] { 1, 2 });
            return Task.FromResult("ok");
        }
    }

    [Fact]
    public async Task Templates_and_microsoft_logging_calls_are_the_same_lines_in_a_test()
    {
        var harness = new ServiceTestHarness();
        await harness.RunAsync(new Logs(), new Logs.Input("Ann"));
        Assert.Equal(["INF Order 7 for Ann, 12.50 EUR", "WRN Stock low for Ann:    3 left", "DBG {literal} braces and [1, 2]"], harness.Log);
    }

    [Fact]
    public async Task On_a_node_both_become_serilog_events_with_their_template_properties_and_exception()
    {
        var events = new List<LogEvent>();
        using var serilog = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new Keep(events)).CreateLogger();
        ServiceLog log = new SerilogServiceLog(serilog);
        await new Logs().RunThroughAsync(log);

        Assert.Equal([LogEventLevel.Information, LogEventLevel.Warning, LogEventLevel.Debug], events.Select(e => e.Level));
        Assert.Equal("Order {Id} for {Customer}, {Total:0.00} EUR", events[0].MessageTemplate.Text);
        Assert.Equal("Order 7 for \"Ann\", 12.50 EUR", events[0].RenderMessage());
        Assert.Equal("Stock low for {Customer}: {Left,4} left", events[1].MessageTemplate.Text);
        Assert.Equal(new ScalarValue("Ann"), events[1].Properties["Customer"]);
        Assert.IsType<InvalidOperationException>(events[2].Exception);
        Assert.False(((Microsoft.Extensions.Logging.ILogger)log).IsEnabled(LogLevel.Trace));
        Assert.True(((Microsoft.Extensions.Logging.ILogger)log).IsEnabled(LogLevel.Debug));
    }

    private sealed class Keep(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }
}

internal static class RunningWithALog
{
    // The service's handler with a context whose log is the one given: what the node's runtime does per call.
    public static Task RunThroughAsync(this Logging_from_a_service.Logs service, ServiceLog log) =>
        ((Integrations.Runtime.IService)service).RunAsync(new ServiceContext(
            new Integrations.Messages.InvokeService { Service = "test.logs", Cid = "c1", Input = "{\"customer\":\"Ann\"}"u8.ToArray() }, log, null!));
}
