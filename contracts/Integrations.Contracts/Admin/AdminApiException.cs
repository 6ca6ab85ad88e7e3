namespace Integrations.Admin;

/// <summary>An admin API call that did not succeed, with the answer it got.</summary>
public sealed class AdminApiException(AdminAnswer answer, string message) : Exception(message)
{
    /// <summary>The answer.</summary>
    public AdminAnswer Answer { get; } = answer;
}
