using System.Collections.Concurrent;
using Integrations.Tests.Integration.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Integrations.Tests.Integration.Scheduler.Running_jobs_on_a_schedule;

namespace Integrations.Tests.Integration.Scheduler;

public sealed record ScheduledPing(string Text, bool FailFirst);

/// <summary>A MassTransit application of the integration team's own, using the cluster as its message scheduler.</summary>
[Collection(ServersCollection.Name)]
public sealed class Scheduling_messages_for_masstransit(Servers servers)
{
    private readonly ConcurrentQueue<(string Text, DateTimeOffset At, int Redelivery, string? Token)> _received = new();

    [Fact]
    public async Task ScheduleSend_delivers_at_its_time_and_a_cancelled_message_never_arrives()
    {
        await using var node = await TestNode.StartAsync(servers, "mt-schedule");
        await using var app = await StartAppAsync("test.mt-scheduled");
        var scheduler = app.GetRequiredService<IMessageScheduler>();
        var kept = Guid.NewGuid().ToString("N");
        var dropped = Guid.NewGuid().ToString("N");

        var sent = DateTimeOffset.UtcNow;
        var keptMessage = await scheduler.ScheduleSend(new Uri("queue:test.mt-scheduled"), DateTime.UtcNow.AddSeconds(2), new ScheduledPing(kept, false));
        var droppedMessage = await scheduler.ScheduleSend(new Uri("queue:test.mt-scheduled"), DateTime.UtcNow.AddSeconds(2), new ScheduledPing(dropped, false));
        await scheduler.CancelScheduledSend(new Uri("queue:test.mt-scheduled"), droppedMessage.TokenId);

        await Until(() => _received.Any(r => r.Text == kept), TimeSpan.FromSeconds(15));
        var arrival = _received.Single(r => r.Text == kept);
        Assert.InRange((arrival.At - sent).TotalSeconds, 1.8, 10);
        Assert.Equal(keptMessage.TokenId.ToString("N"), arrival.Token);
        await Task.Delay(2000);
        Assert.DoesNotContain(_received, r => r.Text == dropped);
    }

    [Fact]
    public async Task Scheduled_redelivery_brings_a_failed_message_back_after_its_interval_without_a_broker_plugin()
    {
        await using var node = await TestNode.StartAsync(servers, "mt-redeliver");
        await using var app = await StartAppAsync("test.mt-redelivered");
        var text = Guid.NewGuid().ToString("N");

        var sent = DateTimeOffset.UtcNow;
        var endpoint = await app.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:test.mt-redelivered"));
        await endpoint.Send(new ScheduledPing(text, FailFirst: true));

        await Until(() => _received.Count(r => r.Text == text) >= 2, TimeSpan.FromSeconds(15));
        var deliveries = _received.Where(r => r.Text == text).ToArray();
        Assert.Equal([0, 1], deliveries.Select(d => d.Redelivery));
        Assert.InRange((deliveries[1].At - deliveries[0].At).TotalSeconds, 0.9, 8);
        await Task.Delay(1500);
        Assert.Equal(2, _received.Count(r => r.Text == text));
        Assert.Equal(0u, await servers.QueueDepthAsync("test.mt-redelivered_error") ?? 0u);
    }

    private sealed class App(ServiceProvider provider) : IAsyncDisposable
    {
        public T GetRequiredService<T>() where T : notnull => provider.GetRequiredService<T>();

        public async ValueTask DisposeAsync()
        {
            await provider.GetRequiredService<IBusControl>().StopAsync();
            await provider.DisposeAsync();
        }
    }

    private async Task<App> StartAppAsync(string queue)
    {
        var broker = new Uri(servers.RabbitMq);
        var user = broker.UserInfo.Split(':');
        var services = new ServiceCollection();
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddMessageScheduler(new Uri("queue:esb.scheduler"));
            x.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)broker.Port, Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/')), "test app", h =>
                {
                    h.Username(Uri.UnescapeDataString(user[0]));
                    h.Password(Uri.UnescapeDataString(user[1]));
                });
                rabbit.UseMessageScheduler(new Uri("queue:esb.scheduler"));
                rabbit.ReceiveEndpoint(queue, e =>
                {
                    e.UseScheduledRedelivery(r => r.Intervals(TimeSpan.FromSeconds(1)));
                    e.Handler<ScheduledPing>(c =>
                    {
                        var redelivery = c.GetRedeliveryCount();
                        _received.Enqueue((c.Message.Text, DateTimeOffset.UtcNow, redelivery, c.Headers.Get<string>("MT-Scheduling-TokenId")));
                        if (c.Message.FailFirst && redelivery == 0) throw new InvalidOperationException("the first delivery fails");
                        return Task.CompletedTask;
                    });
                });
            });
        });
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IBusControl>().StartAsync();
        return new App(provider);
    }
}
