namespace Integrations;

/// <summary>What a service asks of an outgoing REST connection.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Query">An object or dictionary: its members fill the path's placeholders, the rest go to the query string, names as written.</param>
/// <param name="Body">Sent as JSON (names as written); a string is sent as it is.</param>
/// <param name="Headers">Extra request headers.</param>
public sealed record RestRequest(HttpMethod Method, object? Query, object? Body, IReadOnlyDictionary<string, string>? Headers);
