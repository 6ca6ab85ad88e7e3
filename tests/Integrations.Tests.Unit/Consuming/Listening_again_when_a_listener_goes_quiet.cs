using Integrations.Bus.Consuming;
using Serilog;

namespace Integrations.Tests.Unit.Consuming;

/// <summary>
/// The consumer host listens again to an endpoint whose listener stopped, whether its transport said so (lost) or not
/// (a channel reopened by the client without its consumer): no endpoint stays silent.
/// </summary>
public sealed class Listening_again_when_a_listener_goes_quiet
{
    [Fact]
    public async Task A_listener_that_stops_receiving_without_saying_so_is_replaced()
    {
        var host = new Host();
        using var stopping = new CancellationTokenSource();
        await host.StartAsync(stopping.Token);
        try
        {
            var first = await host.NextListenerAsync();
            first.Listening = false;
            var second = await host.NextListenerAsync();
            Assert.True(first.Disposed, "the quiet listener is closed");
            Assert.True(second.IsListening);
            Assert.True(host.IsListening("orders"));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_listener_whose_transport_says_it_was_lost_is_replaced_once()
    {
        var host = new Host();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var first = await host.NextListenerAsync();
            // Both of its channels report the loss, and then the watch sees it too: one new listener, not three.
            first.Listening = false;
            first.Lose("channel 1 closed");
            first.Lose("channel 2 closed");
            await host.NextListenerAsync();
            await Task.Delay(Host.Watch * 3);
            Assert.Equal(2, host.Listened);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private sealed class Host : ConsumerHost<string>
    {
        public static readonly TimeSpan Watch = TimeSpan.FromMilliseconds(100);
        private readonly System.Threading.Channels.Channel<FakeListener> _listeners = System.Threading.Channels.Channel.CreateUnbounded<FakeListener>();
        private int _listened;

        static Host() => WatchInterval = Watch;

        public Host() : base(new LoggerConfiguration().CreateLogger())
        {
        }

        public int Listened => Volatile.Read(ref _listened);

        public async Task<FakeListener> NextListenerAsync() => await _listeners.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        protected override IReadOnlyDictionary<string, string> Wanted() => new Dictionary<string, string> { ["orders"] = "orders" };

        protected override string Fingerprint(string endpoint) => endpoint;

        protected override Task<IListener> ListenAsync(string name, string endpoint, InboundHandler handler, CancellationToken cancellation)
        {
            Interlocked.Increment(ref _listened);
            var listener = new FakeListener();
            _listeners.Writer.TryWrite(listener);
            return Task.FromResult<IListener>(listener);
        }

        protected override Task HandleAsync(string name, string endpoint, IInbound message) => Task.CompletedTask;

        protected override void Started(string name, string endpoint) { }

        protected override void Failed(string name, string endpoint, Exception error, TimeSpan retryIn) { }
    }

    private sealed class FakeListener : IListener
    {
        public volatile bool Listening = true;
        public volatile bool Disposed;

        public bool IsListening => Listening && !Disposed;

        public event Action<string>? Lost;

        public void Lose(string reason) => Lost?.Invoke(reason);

        public Task StopReceivingAsync() => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
