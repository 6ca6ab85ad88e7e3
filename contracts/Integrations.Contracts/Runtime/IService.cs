namespace Integrations.Runtime;

/// <summary>
/// What the runtime sees of a service: JSON in, JSON out. Service authors derive from
/// <see cref="Service{TInput, TOutput}"/> instead of implementing this.
/// </summary>
public interface IService
{
    /// <summary>Binds the call's input (<see cref="ServiceContext.Request"/>), runs the service and returns its answer as JSON.</summary>
    /// <exception cref="ServiceException">The input is not acceptable (status 400) or the service chose a status.</exception>
    Task<string> RunAsync(ServiceContext context);
}
