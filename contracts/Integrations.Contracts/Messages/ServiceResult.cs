namespace Integrations.Messages;

/// <summary>The answer to an <see cref="InvokeService"/>: a status, and either the output or an error for the caller.</summary>
public sealed record ServiceResult
{
    /// <summary>The call's correlation id.</summary>
    public string Cid { get; init; } = "";

    /// <summary>HTTP-style status: 200 on success, 400 bad input, 404 unknown service, 500 failure, 504 deadline passed.</summary>
    public int Status { get; init; } = 200;

    /// <summary>The service's answer as JSON text, on success.</summary>
    public string? Output { get; init; }

    /// <summary>What went wrong, in words for the caller (never a stack trace), on failure.</summary>
    public string? Error { get; init; }

    /// <summary>Headers the service set for the caller, if any.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// For operators, never for the caller: the type of the exception a failed service threw, when it threw one
    /// (<c>System.InvalidOperationException</c>), as the failed-message store groups failures by it.
    /// </summary>
    public string? Exception { get; init; }

    /// <summary>For operators, never for the caller: where that exception was thrown, its first stack frame.</summary>
    public string? Frame { get; init; }

    /// <summary>A successful result.</summary>
    public static ServiceResult Ok(string cid, string output) => new() { Cid = cid, Status = 200, Output = output };

    /// <summary>
    /// A 503 that says when to try again (<c>Retry-After</c>, in seconds): the message bus itself was not reachable.
    /// A channel tries such a call again without counting it as a failure of the service, and never dead-letters a
    /// message for it.
    /// </summary>
    public static ServiceResult Unavailable(string cid, string error, int retryAfterSeconds = 2) =>
        new() { Cid = cid, Status = 503, Error = error, Headers = new() { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } };

    /// <summary>When a 503 said to try again (<c>Retry-After</c>), else null.</summary>
    public TimeSpan? RetryAfter => Status == 503 && Headers is { } headers && headers.TryGetValue("Retry-After", out var value)
        && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>A failed result.</summary>
    public static ServiceResult Failed(string cid, int status, string error) => new() { Cid = cid, Status = status, Error = error };
}
