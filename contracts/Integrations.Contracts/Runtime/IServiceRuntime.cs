using Integrations.Messages;

namespace Integrations.Runtime;

/// <summary>The runtime behind <see cref="ServiceContext"/>'s invoke methods.</summary>
public interface IServiceRuntime
{
    /// <summary>Runs a service in this process and returns its result; never throws for the service's own failures.</summary>
    Task<ServiceResult> RunHereAsync(InvokeService request, CancellationToken cancellation);

    /// <summary>Sends a durable call to a service's queue without waiting for its result.</summary>
    Task SendAsync(InvokeService request, CancellationToken cancellation);

    /// <summary>The node's outgoing connections.</summary>
    IOutgoingConnections Connections { get; }

    /// <summary>Keeps <paramref name="request"/> in the cluster's job store and sends it to its service at <paramref name="at"/>; returns the run's id.</summary>
    Task<string> ScheduleOnceAsync(InvokeService request, DateTimeOffset at, CancellationToken cancellation);

    /// <summary>Cancels a run scheduled with <see cref="ScheduleOnceAsync"/>; false when there is none (any more).</summary>
    Task<bool> CancelScheduledAsync(string id, CancellationToken cancellation);

    /// <summary>Publishes a JSON message to a publish/subscribe topic.</summary>
    Task PublishAsync(string topic, string json, string cid, CancellationToken cancellation);

    /// <summary>Sends a JSON message to WebSocket clients on every node: a client by id, or <c>topic:NAME</c>.</summary>
    Task PushAsync(string target, string json, string cid, CancellationToken cancellation);
}
