namespace Integrations.Admin;

/// <summary>A kind of configuration object, as <c>GET /admin/kinds</c> describes it.</summary>
/// <param name="Name">Its one name, as YAML, the CLI and messages spell it: <c>outgoing_rest</c>.</param>
/// <param name="Title">What a list of them is called.</param>
/// <param name="Singular">What one is called in a sentence.</param>
/// <param name="Path">Where the admin API keeps them: <c>/admin/outgoing/rest</c>.</param>
/// <param name="Order">Its place in the order an environment is applied.</param>
/// <param name="Fields">Its fields.</param>
/// <param name="References">Its fields that name other objects (or services).</param>
/// <param name="Columns">The fields that say what each object is, for lists.</param>
/// <param name="HasSecret">Whether its objects keep a secret apart from their fields.</param>
/// <param name="Example">The fields of a create command a user may copy.</param>
public sealed record KindInfo(string Name, string Title, string Singular, string Path, int Order, IReadOnlyList<KindFieldInfo> Fields,
    IReadOnlyList<KindReferenceInfo> References, IReadOnlyList<string> Columns, bool HasSecret, string Example);
