namespace Integrations.Adapters.Admin;

/// <summary>The admin user's stored password hash (PBKDF2-SHA256); the password itself is never stored.</summary>
public sealed record AdminAccount
{
    /// <summary>The user name.</summary>
    public string Id { get; init; } = AdminCredentials.UserName;
    /// <summary>PBKDF2 salt.</summary>
    public byte[] Salt { get; init; } = [];
    /// <summary>PBKDF2 output.</summary>
    public byte[] Hash { get; init; } = [];
    /// <summary>PBKDF2 iterations.</summary>
    public int Iterations { get; init; }
    /// <summary>When the password was last set.</summary>
    public DateTimeOffset ChangedAt { get; init; }
}
