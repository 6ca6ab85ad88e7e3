namespace Integrations;

/// <summary>What a service sets on its answer besides the output: a success status and headers, which channels pass on.</summary>
public sealed class ServiceResponse
{
    private int _status = 200;

    /// <summary>The status of a successful answer (2xx or 3xx); errors are thrown as <see cref="ServiceException"/>.</summary>
    public int Status
    {
        get => _status;
        set => _status = value is >= 200 and < 400 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a successful answer's status is 2xx or 3xx; throw a ServiceException for errors");
    }

    /// <summary>Headers for the caller, e.g. <c>Location</c>.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
