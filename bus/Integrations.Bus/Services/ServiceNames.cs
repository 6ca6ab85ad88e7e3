using System.Text;
using System.Text.RegularExpressions;

namespace Integrations.Bus.Services;

/// <summary>Service names: <c>area.verb-noun</c>, lower case.</summary>
public static partial class ServiceNames
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*$")]
    private static partial Regex Valid();

    /// <summary>The queue a service's calls wait in.</summary>
    public static string QueueOf(string service) => "svc." + service;

    /// <summary>Why <paramref name="name"/> is not a valid service name, or null when it is.</summary>
    public static string? Problem(string name) =>
        name.Length is 0 or > 200 || !Valid().IsMatch(name)
            ? $"'{name}' is not a valid service name: use lower-case words separated by dots and dashes, e.g. crm.get-customer"
            : null;

    /// <summary>The name of a service class: its <see cref="ServiceAttribute"/>, else the last namespace segment and the class name.</summary>
    public static string Of(Type type)
    {
        var attribute = (ServiceAttribute?)Attribute.GetCustomAttribute(type, typeof(ServiceAttribute));
        if (attribute is not null) return attribute.Name;
        var area = type.Namespace?.Split('.')[^1];
        var verbNoun = Kebab(type.Name.EndsWith("Service", StringComparison.Ordinal) && type.Name.Length > 7 ? type.Name[..^7] : type.Name);
        return area is null ? verbNoun : $"{Kebab(area)}.{verbNoun}";
    }

    private static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])) && char.IsUpper(name[i - 1])))
                    sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c == '_' ? '-' : c);
        }
        return sb.ToString();
    }
}
