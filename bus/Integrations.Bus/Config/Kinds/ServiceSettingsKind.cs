using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>A service's settings (its timeout), named after the service.</summary>
internal sealed class ServiceSettingsKind : ConfigKind<ServiceSettings>
{
    public ServiceSettingsKind() : base(70, "Service settings", "/service-settings", "name=demo.hello timeout_seconds=5")
    {
        ListWith("timeout_seconds");
        RefersToService("name", s => s.Name);
    }

    protected override void Check(ServiceSettings x, ConfigRules rules, List<FieldError> errors)
    {
        if (x.TimeoutSeconds is <= 0 or > 86_400) errors.Add(new("timeout_seconds", "must be more than 0 and at most 86400 (one day), or null for the node's default"));
    }
}
