using Microsoft.AspNetCore.Http;

namespace Integrations.Bus.Edge;

/// <summary>An endpoint the node itself serves on the channel port (the OpenAPI document, the tutorial's demo systems); channels cannot take its path.</summary>
public sealed record NodeEndpoint(string Method, string Path, RequestDelegate Handle);
