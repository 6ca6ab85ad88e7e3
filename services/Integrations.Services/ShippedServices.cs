namespace Integrations.Services;

/// <summary>The services that ship with the product; a node registers them all at start.</summary>
public static class ShippedServices
{
    /// <summary>The assembly holding them.</summary>
    public static System.Reflection.Assembly Assembly => typeof(ShippedServices).Assembly;
}
