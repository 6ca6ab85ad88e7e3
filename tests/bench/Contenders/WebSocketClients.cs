using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Integrations.Bench;

/// <summary>
/// Many WebSocket clients in one process, all subscribed to a topic, and how long a topic message takes to reach
/// every one. Connects <c>count</c> clients to a WebSocket channel (a few handshakes at a time; past 25,000 clients
/// they come from several loopback addresses, each of which has its own ephemeral ports), each waiting for its
/// <c>{"connected": …}</c>, then sending <c>{"subscribe": TOPIC}</c> and waiting for <c>{"subscribed": …}</c>; prints
/// <c>connected N SECONDS</c>. Then, for each line <c>publish</c> on standard input, publishes <c>{"round": R}</c>
/// to the topic (a POST with Basic Auth) and prints <c>round R ALL_MS FIRST_MS</c>: from just before the POST until
/// the last client, and the first, got the push. At the end of standard input the sockets are dropped. Any failure
/// (a refused handshake, a refused publish, a client that does not get a message in time) is said on standard error,
/// with exit code 1.
/// </summary>
public static class WebSocketClients
{
    private const int Handshakes = 64, ClientsPerAddress = 25_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static int _round, _got, _count;
    private static long _first, _last;
    private static TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<int> RunAsync(string url, int count, string topic, string publishUrl, string userPassword)
    {
        _count = count;
        var addresses = Math.Max(1, (count + ClientsPerAddress - 1) / ClientsPerAddress);
        var next = 0;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (addresses > 1)
                    {
                        var k = Interlocked.Increment(ref next) % addresses;
                        socket.Bind(new IPEndPoint(new IPAddress([127, 0, (byte)(k / 250), (byte)(1 + k % 250)]), 0));
                    }
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        var clients = new Client[count];
        var failures = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Handshakes }, async (i, _) =>
        {
            try
            {
                clients[i] = await Client.ConnectAsync(new Uri(url), topic, invoker);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or HttpRequestException or InvalidDataException)
            {
                if (Interlocked.Increment(ref failures) == 1) firstFailure = $"client {i + 1}: {e.Message}";
            }
        });
        if (failures > 0)
        {
            Console.Error.WriteLine($"ws-clients: {failures} of {count} clients could not connect and subscribe; the first: {firstFailure}");
            return 1;
        }
        Console.WriteLine(FormattableString.Invariant($"connected {count} {clock.Elapsed.TotalSeconds:0.00}"));
        foreach (var client in clients) client.Listen();

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userPassword)));
        try
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                if (line.Trim() != "publish") continue;
                var round = _round + 1;
                _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _got = 0;
                _first = 0;
                Volatile.Write(ref _round, round);
                var started = Stopwatch.GetTimestamp();
                using (var answer = await http.PostAsync(publishUrl, new StringContent($"{{\"round\":{round}}}", Encoding.UTF8, "application/json")))
                    if (!answer.IsSuccessStatusCode)
                    {
                        Console.Error.WriteLine($"ws-clients: the publish was refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                        return 1;
                    }
                if (await Task.WhenAny(_all.Task, Task.Delay(Patience)) != _all.Task)
                {
                    var closed = clients.Count(c => c.Closed);
                    Console.Error.WriteLine($"ws-clients: round {round}: only {Volatile.Read(ref _got)} of {count} clients got the message within {Patience.TotalSeconds:0} s ({closed} sockets closed)");
                    return 1;
                }
                var all = Stopwatch.GetElapsedTime(started, Volatile.Read(ref _last)).TotalMilliseconds;
                var first = Stopwatch.GetElapsedTime(started, Volatile.Read(ref _first)).TotalMilliseconds;
                Console.WriteLine(FormattableString.Invariant($"round {round} {all:0.0} {first:0.0}"));
            }
        }
        finally
        {
            foreach (var client in clients) client.Drop();
        }
        return 0;
    }

    /// <summary>A push reached one client: counted once per round.</summary>
    private static void Received(int round)
    {
        if (round != Volatile.Read(ref _round)) return;
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _first, now, 0);
        if (Interlocked.Increment(ref _got) != _count) return;
        Volatile.Write(ref _last, now);
        _all.TrySetResult();
    }

    private sealed class Client(ClientWebSocket socket)
    {
        private readonly byte[] _buffer = new byte[512];
        private int _lastRound;
        public bool Closed { get; private set; }

        public static async Task<Client> ConnectAsync(Uri url, string topic, HttpMessageInvoker invoker)
        {
            var socket = new ClientWebSocket();
            try
            {
                using var timeout = new CancellationTokenSource(Patience);
                await socket.ConnectAsync(url, invoker, timeout.Token);
                var client = new Client(socket);
                using (var connected = await client.ReceiveAsync(timeout.Token))
                    if (!connected.RootElement.TryGetProperty("connected", out _)) throw new InvalidDataException($"expected {{\"connected\": …}}, got {connected.RootElement}");
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { subscribe = topic }), WebSocketMessageType.Text, true, timeout.Token);
                using (var subscribed = await client.ReceiveAsync(timeout.Token))
                    if (!subscribed.RootElement.TryGetProperty("subscribed", out _)) throw new InvalidDataException($"expected {{\"subscribed\": …}}, got {subscribed.RootElement}");
                return client;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Reads pushes until the socket closes.</summary>
        public void Listen() => _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var message = await ReceiveAsync(CancellationToken.None);
                    if (message.RootElement.TryGetProperty("push", out var push) && push.ValueKind == JsonValueKind.Object
                        && push.TryGetProperty("round", out var round) && round.TryGetInt32(out var r) && r > _lastRound)
                    {
                        _lastRound = r;
                        Received(r);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException or JsonException)
            {
                Closed = true;
            }
        });

        public void Drop()
        {
            socket.Abort();
            socket.Dispose();
        }

        /// <summary>One whole text message, as JSON.</summary>
        private async Task<JsonDocument> ReceiveAsync(CancellationToken cancellation)
        {
            var into = _buffer;
            var length = 0;
            while (true)
            {
                if (length == into.Length)
                {
                    var larger = new byte[into.Length * 2];
                    into.AsSpan(0, length).CopyTo(larger);
                    into = larger;
                }
                var received = await socket.ReceiveAsync(into.AsMemory(length), cancellation);
                if (received.MessageType == WebSocketMessageType.Close) throw new InvalidDataException($"the node closed the socket: {socket.CloseStatus} {socket.CloseStatusDescription}");
                length += received.Count;
                if (received.EndOfMessage) return JsonDocument.Parse(into.AsMemory(0, length));
            }
        }
    }
}
