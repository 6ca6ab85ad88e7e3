using System.Text;
using System.Runtime.CompilerServices;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Integrations.Messages;

namespace Integrations.Runtime;

/// <summary>Binds a JSON object to a service's input record, with errors a caller can act on.</summary>
public static class ServiceInput
{
    // Weak keys: an input type of a deployed service must not keep its unloaded version alive.
    private static readonly ConditionalWeakTable<Type, string[]> RequiredFields = new();

    /// <summary>The JSON names of the members of <paramref name="inputType"/> that must be present and not null.</summary>
    public static IReadOnlyList<string> Required(Type inputType) => RequiredFields.GetValue(inputType, FindRequired);

    /// <summary>
    /// Reads a call's input into <typeparamref name="T"/>: its body as it came, with the fields it takes from elsewhere
    /// (<see cref="InvokeService.Defaults"/> under it, <see cref="InvokeService.Overrides"/> over it) — parsed once.
    /// </summary>
    /// <exception cref="ServiceException">400, as <see cref="Bind{T}(string)"/> says.</exception>
    public static T Bind<T>(InvokeService call)
    {
        if (call.Defaults is null && call.Overrides is null) return Bind<T>(call.Input);
        System.Text.Json.Nodes.JsonObject merged;
        try
        {
            var body = call.Input.IsEmpty ? new System.Text.Json.Nodes.JsonObject() : System.Text.Json.Nodes.JsonNode.Parse(call.Input.Span);
            merged = body as System.Text.Json.Nodes.JsonObject
                ?? throw new ServiceException(400, $"input must be a JSON object, not {Describe(body is null ? JsonValueKind.Null : body.GetValueKind())}");
            if (call.Defaults is { } defaults)
                foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(defaults)!.AsObject())
                    if (!merged.ContainsKey(name)) merged[name] = value?.DeepClone();
            if (call.Overrides is { } overrides)
                foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(overrides)!.AsObject())
                    merged[name] = value?.DeepClone();
        }
        catch (JsonException e)
        {
            throw new ServiceException(400, Malformed(e));
        }
        catch (ArgumentException e)
        {
            // A key given twice is found when the object is read ("… Key: quantity").
            var key = e.Message.LastIndexOf("Key: ", StringComparison.Ordinal) is var at and >= 0 ? e.Message[(at + 5)..].Split(" (Parameter")[0].Trim() : "a field";
            throw new ServiceException(400, $"{key}: is given twice");
        }
        return Bind<T>(JsonSerializer.SerializeToUtf8Bytes(merged));
    }

    /// <summary>Reads <paramref name="json"/> (UTF-8) into <typeparamref name="T"/>.</summary>
    /// <exception cref="ServiceException">400, as <see cref="Bind{T}(string)"/> says.</exception>
    public static T Bind<T>(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty) json = "{}"u8.ToArray();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ServiceException(400, Malformed(e));
        }
        return Bind<T>(document);
    }

    /// <summary>Reads <paramref name="json"/> into <typeparamref name="T"/>.</summary>
    /// <exception cref="ServiceException">400: malformed JSON (with line and position), not an object,
    /// required fields missing (all of them named), or a value of the wrong type (its field, what it must be and what
    /// came: <c>name: expected a string, got the number 5</c>).</exception>
    public static T Bind<T>(string json) => Bind<T>(string.IsNullOrWhiteSpace(json) ? default : Encoding.UTF8.GetBytes(json));

    private static T Bind<T>(JsonDocument document)
    {
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ServiceException(400, $"input must be a JSON object, not {Describe(root.ValueKind)}");

            var required = Required(typeof(T));
            if (required.Count > 0)
            {
                List<string>? missing = null;
                foreach (var name in required)
                {
                    if (!HasValue(root, name)) (missing ??= []).Add(name);
                }
                if (missing is not null)
                    throw new ServiceException(400, missing.Count == 1
                        ? $"missing required field: {missing[0]}"
                        : $"missing required fields: {string.Join(", ", missing)}");
            }

            try
            {
                return root.Deserialize<T>(ServiceJson.For(typeof(T)))
                       ?? throw new ServiceException(400, "input must be a JSON object, not null");
            }
            catch (JsonException e)
            {
                var (field, problem) = JsonProblems.Describe(e, root, typeof(T), ServiceJson.For(typeof(T)));
                throw new ServiceException(400, $"{field}: {problem}");
            }
        }
    }

    /// <summary>Describes where a JSON text is malformed: "malformed JSON at line 1, position 9: …".</summary>
    public static string Malformed(JsonException e) =>
        $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}";

    private static bool HasValue(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                return property.Value.ValueKind != JsonValueKind.Null;
        }
        return false;
    }

    private static string[] FindRequired(Type type)
    {
        if (type == typeof(NoInput)) return [];
        var info = ServiceJson.For(type).GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object) return [];
        var nullability = new NullabilityInfoContext();
        var required = new List<string>();
        foreach (var property in info.Properties)
        {
            var isRequired = property.IsRequired
                || property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false, AttributeProvider: ParameterInfo parameter }
                   && !IsNullable(parameter.ParameterType, () => nullability.Create(parameter));
            if (isRequired) required.Add(property.Name);
        }
        return [.. required];
    }

    private static bool IsNullable(Type type, Func<NullabilityInfo> annotation) =>
        type.IsValueType ? Nullable.GetUnderlyingType(type) is not null : annotation().WriteState != NullabilityState.NotNull;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    // System.Text.Json appends "Path: … | LineNumber: …" to its messages; we say where ourselves.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
