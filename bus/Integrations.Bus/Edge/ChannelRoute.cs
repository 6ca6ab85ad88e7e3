using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>
/// A path the channel port serves: its route template (<c>/orders/{id}</c>), who serves it, in the words a log or an
/// error uses (<c>channel_rest 'Orders'</c>), and what answers it, given the call's cid (already in the answer's
/// <c>X-Esb-Cid</c> header).
/// </summary>
public sealed record ChannelRoute(string Path, string Owner, Func<HttpContext, string, Task> Handle);
