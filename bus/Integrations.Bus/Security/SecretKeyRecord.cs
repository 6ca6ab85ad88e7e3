namespace Integrations.Bus.Security;

/// <summary>The cluster's record of which secret key it uses (a check value, not the key).</summary>
public sealed record SecretKeyRecord
{
    /// <summary>Always <c>secret-key</c>.</summary>
    public string Id { get; init; } = "secret-key";
    /// <summary>See <see cref="SecretBox.KeyCheck"/>.</summary>
    public string Check { get; init; } = "";
}
