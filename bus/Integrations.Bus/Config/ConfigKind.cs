using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Integrations.Config;
using Marten;

namespace Integrations.Bus.Config;

/// <summary>
/// One kind of configuration object, declared once: its name, record, where the admin API keeps it, its place in the
/// order an environment is applied, its rules and its references to other kinds. The admin API's routes, the CLI's
/// commands and their help, YAML's sections, the dashboard's screens and the checks of references are all made from
/// it. A kind is a subclass of <see cref="ConfigKind{T}"/> in this assembly's <c>Config/Kinds</c>; nothing else lists it.
/// </summary>
public abstract class ConfigKind
{
    private protected ConfigKind(Type type, int order, string title, string adminPath, string? singular, string example)
    {
        Name = ConfigKinds.NameOf(type);
        Type = type;
        Order = order;
        Title = title;
        AdminPath = adminPath;
        Singular = singular ?? Name;
        Example = example;
    }

    /// <summary>The kind's one name, as YAML, the CLI, the dashboard and every message spell it: <c>outgoing_rest</c>.</summary>
    public string Name { get; }

    /// <summary>The record.</summary>
    public Type Type { get; }

    /// <summary>Where it stands in the order an environment is applied: a kind comes after the kinds it refers to.</summary>
    public int Order { get; }

    /// <summary>What a list of them is called: "Outgoing REST connections".</summary>
    public string Title { get; }

    /// <summary>What one is called in a sentence ("no security definition named …"): the kind's name unless it reads badly.</summary>
    public string Singular { get; }

    /// <summary>Where the admin API keeps them, under <c>/admin</c>: <c>/outgoing/rest</c>.</summary>
    public string AdminPath { get; }

    /// <summary>A create command a user may copy: <c>name=CRM address=http://localhost:17010 …</c>.</summary>
    public string Example { get; }

    /// <summary>The fields, in the record's order.</summary>
    public IReadOnlyList<ConfigField> Fields => _fields ??= MakeFields();

    /// <summary>The fields that say what each object is, for lists (the name comes first anyway).</summary>
    public IReadOnlyList<string> Columns { get; private protected set; } = [];

    /// <summary>The heading of the few words <see cref="Describe"/> gives for each object in lists; null when it gives none.</summary>
    public string? DescriptionColumn { get; private protected set; }

    /// <summary>Whether objects of this kind keep a secret, set apart from their fields (<c>change-secret</c>).</summary>
    public virtual bool HasSecret => false;

    /// <summary>The references this kind's fields make to other kinds and to services.</summary>
    public IReadOnlyList<ConfigReference> References => _references;

    /// <summary>Fields stored with an object that a user does not set (a sealed secret).</summary>
    private protected virtual IReadOnlyList<string> Internal => [];

    /// <summary>What an object is in a few words, for lists ("every 10s"); null when its columns say it.</summary>
    public virtual string? Describe(IConfigObject value) => null;

    /// <summary>What an answer of the admin API shows of an object (without what must stay inside, a sealed secret).</summary>
    public virtual IConfigObject Present(IConfigObject value) => value;

    /// <summary>Turns fields a user may give but the record does not keep into ones it does (a delay into a date).</summary>
    public virtual FieldError? Prepare(JsonObject body) => null;

    internal abstract void Check(IConfigObject value, ConfigRules rules, List<FieldError> errors);

    internal abstract Task<IConfigObject?> LoadAsync(IQuerySession session, string name, CancellationToken cancellation);
    internal abstract Task<IReadOnlyList<IConfigObject>> LoadAllAsync(IQuerySession session, CancellationToken cancellation);
    internal abstract void Configure(StoreOptions options);
    internal abstract void Store(IDocumentSession session, IConfigObject value);
    internal abstract void Insert(IDocumentSession session, IConfigObject value);
    internal abstract void Delete(IDocumentSession session, string name);

    private protected readonly List<ConfigReference> _references = [];
    private IReadOnlyList<ConfigField>? _fields;

    private IReadOnlyList<ConfigField> MakeFields()
    {
        var info = ConfigJson.Options.GetTypeInfo(Type);
        var defaults = JsonSerializer.SerializeToNode(Activator.CreateInstance(Type), Type, ConfigJson.Options)!.AsObject();
        return [.. info.Properties.Where(p => p.Set is not null && !Internal.Contains(p.Name)).Select(p => new ConfigField(
            p.Name, TypeName(p.PropertyType), p.AttributeProvider is PropertyInfo property ? FieldDocs.Of(property) : "",
            p.Name == "name" || defaults[p.Name] is null ? null : defaults[p.Name]!.ToJsonString()))];
    }

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "string";
        if (type == typeof(bool)) return "boolean";
        if (type == typeof(int) || type == typeof(long)) return "integer";
        if (type == typeof(double) || type == typeof(decimal)) return "number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "datetime";
        return ConfigJson.Options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Enumerable ? "list" : "object";
    }
}

/// <summary>A kind of configuration object of record <typeparamref name="T"/>: subclass it to declare one.</summary>
public abstract class ConfigKind<T> : ConfigKind where T : class, IConfigObject, new()
{
    /// <param name="order">Its place in the order an environment is applied (after the kinds it refers to).</param>
    /// <param name="title">What a list of them is called.</param>
    /// <param name="adminPath">Where the admin API keeps them, under <c>/admin</c>.</param>
    /// <param name="example">The fields of a create command a user may copy.</param>
    /// <param name="singular">What one is called in a sentence, when the kind's name reads badly there.</param>
    protected ConfigKind(int order, string title, string adminPath, string example, string? singular = null)
        : base(typeof(T), order, title, adminPath, singular, example)
    {
    }

    /// <summary>The fields that say what each object is, for lists.</summary>
    protected void ListWith(params string[] fields) => Columns = fields;

    /// <summary>Lists show <see cref="Describe(T)"/> too, under <paramref name="header"/>.</summary>
    protected void DescribeAs(string header) => DescriptionColumn = header;

    /// <summary>Declares that <paramref name="field"/> names an object of kind <typeparamref name="TTarget"/>.</summary>
    /// <param name="field">The field's name.</param>
    /// <param name="value">Reads the field.</param>
    /// <param name="required">Whether it must name one (else it may be left out).</param>
    /// <param name="when">When the field is such a reference at all (by default always).</param>
    /// <param name="refuse">Why the object named cannot serve here, or null when it can.</param>
    protected void Refers<TTarget>(string field, Func<T, string?> value, bool required = false, Func<T, bool>? when = null, Func<TTarget, string?>? refuse = null)
        where TTarget : class, IConfigObject =>
        _references.Add(new ConfigReference(this, field, ConfigKinds.NameOf(typeof(TTarget)), v => value((T)v), v => when?.Invoke((T)v) ?? true, required,
            refuse is null ? null : target => refuse((TTarget)target)));

    /// <summary>Declares that <paramref name="field"/> names a service (deployed or built in).</summary>
    protected void RefersToService(string field, Func<T, string?> value, Func<T, bool>? when = null) =>
        _references.Add(new ConfigReference(this, field, ConfigReference.Service, v => value((T)v), v => when?.Invoke((T)v) ?? true, required: true, refuse: null));

    /// <summary>The kind's own rules, beyond its references (checked first): add what is wrong with each field.</summary>
    protected abstract void Check(T value, ConfigRules rules, List<FieldError> errors);

    internal sealed override void Check(IConfigObject value, ConfigRules rules, List<FieldError> errors) => Check((T)value, rules, errors);

    /// <inheritdoc />
    public sealed override string? Describe(IConfigObject value) => Describe((T)value);

    /// <summary>What an object is in a few words, for lists; null when its columns say it.</summary>
    protected virtual string? Describe(T value) => null;

    internal override async Task<IConfigObject?> LoadAsync(IQuerySession session, string name, CancellationToken cancellation) =>
        await session.LoadAsync<T>(name, cancellation).ConfigureAwait(false);

    internal override async Task<IReadOnlyList<IConfigObject>> LoadAllAsync(IQuerySession session, CancellationToken cancellation) =>
        [.. await session.Query<T>().ToListAsync(cancellation).ConfigureAwait(false)];

    internal override void Configure(StoreOptions options) => options.Schema.For<T>().Identity(x => x.Name);
    internal override void Store(IDocumentSession session, IConfigObject value) => session.Store((T)value);
    internal override void Insert(IDocumentSession session, IConfigObject value) => session.Insert((T)value);
    internal override void Delete(IDocumentSession session, string name) => session.Delete<T>(name);
}
