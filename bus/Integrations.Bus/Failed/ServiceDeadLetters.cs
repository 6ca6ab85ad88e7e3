using Integrations.Bus.Backbone;
using Integrations.Bus.Node;
using Integrations.Bus.Services;

namespace Integrations.Bus.Failed;

/// <summary>
/// The error queue of every service (<c>svc.&lt;name&gt;_error</c>): calls nobody waited for — <c>InvokeAsync</c>, the
/// scheduler's runs — that failed.
/// </summary>
public sealed class ServiceDeadLetters : IDeadLetterPlaces
{
    private readonly ServiceCatalog _catalog;
    private readonly RabbitBackbone _backbone;
    private readonly NodeOptions _options;

    /// <summary>Follows the catalog.</summary>
    public ServiceDeadLetters(ServiceCatalog catalog, RabbitBackbone backbone, NodeOptions options)
    {
        _catalog = catalog;
        _backbone = backbone;
        _options = options;
        catalog.Added += _ => Changed?.Invoke();
        catalog.Removed += _ => Changed?.Invoke();
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public IEnumerable<DeadLetterPlace> Places() => _catalog.All.Select(s => Of(s.Name, _backbone, _options));

    /// <summary>The error queue of the service <paramref name="name"/>, on the backbone.</summary>
    public static DeadLetterPlace Of(string name, RabbitBackbone backbone, NodeOptions options)
    {
        var queue = ServiceNames.QueueOf(name);
        return DeadLetterPlace.OnBackbone("service", name, name, queue + "_error", queue, backbone, options);
    }
}
