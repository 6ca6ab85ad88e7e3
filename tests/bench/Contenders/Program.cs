using Integrations.Bench;

// contenders backend|inprocess|masstransit|raw-rpc|load|timer|ws-clients …  (see tests/bench/tutorial-bench.sh, scheduler-jitter.sh, amqp-bench.sh, scale/websockets.sh)
return args switch
{
    ["backend", var url] => await Backend.RunAsync(url),
    ["inprocess", var url, var backend] => await InProcess.RunAsync(url, backend),
    ["masstransit", var url, var backend, var rabbit] => await NaiveMassTransit.RunAsync(url, backend, rabbit),
    ["raw-rpc", var url, var backend, var rabbit] => await RawRpc.RunAsync(url, backend, rabbit),
    ["load", var url, var rate, var seconds, .. var headers] => await PacedLoad.RunAsync(url, int.Parse(rate), int.Parse(seconds), headers),
    ["amqp-fill", var broker, var queue, var count] => await AmqpLoad.FillAsync(broker, queue, int.Parse(count)),
    ["amqp-drain", var broker, var queue, var count, var prefetch] => await AmqpLoad.DrainAsync(broker, queue, int.Parse(count), int.Parse(prefetch)),
    ["mq-drain", var broker, var address, var count, var credit] => await MqLoad.DrainAsync(broker, address, int.Parse(count), int.Parse(credit)),
    ["ws-clients", var url, var count, var topic, var publish, var credentials] => await WebSocketClients.RunAsync(url, int.Parse(count), topic, publish, credentials),
    ["timer", var ticks, var interval] => await TimerJitter.RunAsync(int.Parse(ticks), double.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: contenders backend URL
               contenders inprocess URL BACKEND
               contenders masstransit URL BACKEND RABBITMQ
               contenders raw-rpc URL BACKEND RABBITMQ
               contenders load URL RATE SECONDS [Header:Value…]
               contenders timer TICKS INTERVAL_SECONDS
               contenders ws-clients WS_URL COUNT TOPIC PUBLISH_URL USER:PASSWORD   (then "publish" lines on stdin)
               contenders amqp-fill BROKER QUEUE COUNT
               contenders amqp-drain BROKER QUEUE COUNT PREFETCH
               contenders mq-drain BROKER ADDRESS COUNT CREDIT
        """);
    return 2;
}
