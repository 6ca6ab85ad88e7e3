namespace Integrations.Bus.Security;

/// <summary>The outcome of checking a caller against a security definition.</summary>
/// <param name="Status">200 when the caller passed, else 401 or 403.</param>
/// <param name="Caller">Who the caller is, when they passed: the definition's name, a Basic Auth user, a JWT subject.</param>
/// <param name="Error">Why not, for the caller.</param>
/// <param name="Challenge">The <c>WWW-Authenticate</c> header to send with a 401, if any.</param>
public sealed record CallerCheck(int Status, string? Caller, string? Error, string? Challenge = null)
{
    /// <summary>Whether the caller passed.</summary>
    public bool Passed => Status == 200;

    /// <summary>A caller that passed.</summary>
    public static CallerCheck Pass(string caller) => new(200, caller, null);

    /// <summary>A caller that did not.</summary>
    public static CallerCheck Fail(string error, string? challenge = null) => new(401, null, error, challenge);
}
