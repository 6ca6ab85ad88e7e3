namespace Integrations.Admin;

/// <summary>A node of the cluster, as <c>GET /admin/nodes</c> lists it, from the heartbeats it sends over the bus.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="State"><c>up</c> (heard within three heartbeats), <c>gone</c> (silent longer: killed, cut off) or <c>stopped</c> (said so as it stopped).</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Version">Its version.</param>
/// <param name="Started">When it started.</param>
/// <param name="LastHeartbeat">When it was last heard.</param>
/// <param name="Services">The services it runs.</param>
/// <param name="Calls">Service runs on it since it started.</param>
/// <param name="Errors">Of those, the failed ones.</param>
/// <param name="CallsPerSecond">Service runs a second, over its last two heartbeats.</param>
/// <param name="Self">Whether it is the node that answered.</param>
public sealed record NodeInfo(string Name, string State, string Roles, string Version, DateTimeOffset Started, DateTimeOffset LastHeartbeat,
    IReadOnlyList<string> Services, long Calls, long Errors, double CallsPerSecond, bool Self);
