namespace Integrations;

/// <summary>
/// Names a service. Names read <c>area.verb-noun</c>, e.g. <c>tutorial.get-user-details</c>.
/// Without this attribute the name is derived from the last namespace segment and the class name
/// (<c>Acme.Billing.GetInvoice</c> becomes <c>billing.get-invoice</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ServiceAttribute(string name) : Attribute
{
    /// <summary>The service's name, unique in the cluster.</summary>
    public string Name { get; } = name;
}
