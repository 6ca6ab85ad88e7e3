using System.Linq.Expressions;
using System.Reflection;
using Integrations.Runtime;

namespace Integrations.Bus.Services;

/// <summary>A service the cluster knows: its name, where it came from and how to make one.</summary>
public sealed class ServiceDefinition
{
    private ServiceDefinition(string name, Type type, Type input, Type output, string origin)
    {
        Name = name;
        Type = type;
        InputType = input;
        OutputType = output;
        Origin = origin;
        RequiredInput = ServiceInput.Required(input);
        Create = Expression.Lambda<Func<IService>>(Expression.New(type)).Compile();
    }

    /// <summary>The service's name.</summary>
    public string Name { get; }
    /// <summary>The class that implements it.</summary>
    public Type Type { get; }
    /// <summary>Its declared input.</summary>
    public Type InputType { get; }
    /// <summary>Its declared output.</summary>
    public Type OutputType { get; }
    /// <summary>Where it came from: <c>built-in</c> for services that ship with the node.</summary>
    public string Origin { get; }
    /// <summary>The JSON names of the input fields that must be given.</summary>
    public IReadOnlyList<string> RequiredInput { get; }
    /// <summary>Makes a new instance for one call.</summary>
    public Func<IService> Create { get; }

    /// <summary>Describes a service class, or says why it cannot be one.</summary>
    public static ServiceDefinition Describe(Type type, string origin)
    {
        if (type.IsAbstract || type.IsGenericTypeDefinition)
            throw new ArgumentException($"{type.FullName}: a service class must be concrete and not generic");
        var baseType = type.BaseType;
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(Service<,>)))
            baseType = baseType.BaseType;
        if (baseType is null)
            throw new ArgumentException($"{type.FullName}: a service class derives from Service<TInput, TOutput>");
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new ArgumentException($"{type.FullName}: a service class needs a public parameterless constructor");
        var name = ServiceNames.Of(type);
        if (ServiceNames.Problem(name) is { } problem) throw new ArgumentException($"{type.FullName}: {problem}");
        var args = baseType.GetGenericArguments();
        return new ServiceDefinition(name, type, args[0], args[1], origin);
    }

    /// <summary>The service classes in <paramref name="assembly"/>.</summary>
    public static IEnumerable<Type> FindIn(Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
                                               && typeof(IService).IsAssignableFrom(t));
}
