namespace Integrations.Admin;

/// <summary>One hop of a call, as a node kept it: a channel taking it, the backbone carrying it, a service running it, an outgoing call.</summary>
/// <param name="Node">The node it happened on.</param>
/// <param name="Step">
/// What happened: <c>channel</c> (a channel took the call or message and answered it), <c>call</c> (the backbone carried
/// it to its service and brought the answer back), <c>send</c> (left it, durably, in the service's queue), <c>run</c>
/// (the service ran), <c>outgoing</c> (the service called out), <c>publish</c> (a message went to a pub/sub topic),
/// <c>failed</c> (the platform gave it up and kept it as a failed message) or <c>retry</c> (a failed message was sent back).
/// </param>
/// <param name="Type">Of a channel or an outgoing call: <c>rest</c>, <c>websocket</c>, <c>amqp</c>, <c>mq</c>, <c>subscription</c>,
/// <c>scheduler</c>, <c>admin</c>; <c>service</c> for a run; <c>backbone</c> and <c>pubsub</c> for the rest.</param>
/// <param name="Name">The channel's, service's, connection's or topic's name.</param>
/// <param name="Detail">What else says what it was: a request's method and path, a service's version, a failed message's id.</param>
/// <param name="Started">When it started.</param>
/// <param name="Milliseconds">How long it took.</param>
/// <param name="Status">The status it came to (HTTP-like: 200, 202, 404, 500…).</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record TraceHop(string Node, string Step, string Type, string Name, string? Detail, DateTimeOffset Started, double Milliseconds, int Status, string? Error);

/// <summary>Every hop of one cid the cluster's nodes still keep, as <c>GET /admin/trace/{cid}</c> answers.</summary>
/// <param name="Cid">The cid.</param>
/// <param name="Hops">Its hops, the earliest first.</param>
/// <param name="Nodes">The nodes that answered.</param>
/// <param name="Missing">Nodes heard from lately that did not answer in time: their hops, if any, are not here.</param>
public sealed record TraceInfo(string Cid, IReadOnlyList<TraceHop> Hops, IReadOnlyList<string> Nodes, IReadOnlyList<string> Missing);
