using System.Text.RegularExpressions;
using Integrations.Config;

namespace Integrations.Bus.Config.Kinds;

/// <summary>Publish/subscribe topics.</summary>
internal sealed partial class PubSubTopicKind : ConfigKind<PubSubTopic>
{
    public PubSubTopicKind() : base(35, "Topics", "/pubsub/topics", "name=orders.placed security=\"Partner Key\"")
    {
        ListWith("security");
        Refers<SecurityDefinition>("security", t => t.Security, refuse: d => d.Type == SecurityDefinition.OAuth
            ? "is an oauth definition; publishers are checked with apikey, basic_auth or jwt" : null);
    }

    protected override void Check(PubSubTopic t, ConfigRules rules, List<FieldError> errors)
    {
        if (!PlainName().IsMatch(t.Name)) errors.Add(new("name", "a topic's name is letters, digits, '.', '_' and '-' (it is part of URLs and exchange names)"));
    }

    /// <summary>Names that go into URLs, queue and exchange names as they are.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}$")]
    internal static partial Regex PlainName();
}
