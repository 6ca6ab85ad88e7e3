using Integrations.Bench;

// contenders backend|inprocess|masstransit|load|timer …  (see tests/bench/tutorial-bench.sh, scheduler-jitter.sh)
return args switch
{
    ["backend", var url] => await Backend.RunAsync(url),
    ["inprocess", var url, var backend] => await InProcess.RunAsync(url, backend),
    ["masstransit", var url, var backend, var rabbit] => await NaiveMassTransit.RunAsync(url, backend, rabbit),
    ["load", var url, var rate, var seconds, .. var headers] => await PacedLoad.RunAsync(url, int.Parse(rate), int.Parse(seconds), headers),
    ["timer", var ticks, var interval] => await TimerJitter.RunAsync(int.Parse(ticks), double.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: contenders backend URL
               contenders inprocess URL BACKEND
               contenders masstransit URL BACKEND RABBITMQ
               contenders load URL RATE SECONDS [Header:Value…]
               contenders timer TICKS INTERVAL_SECONDS
        """);
    return 2;
}
