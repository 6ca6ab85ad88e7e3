using System.Reflection;
using Integrations.Bus.Config;
using Integrations.Config;

namespace Integrations.Tests.Unit.Config;

/// <summary>Every kind is declared once, and every surface can be made from that declaration.</summary>
public sealed class Declaring_kinds
{
    private static readonly ConfigKinds Kinds = ConfigKinds.Product();

    [Fact]
    public void Every_record_of_a_kind_has_its_declaration()
    {
        var records = typeof(IConfigObject).Assembly.GetTypes().Where(t => t.GetCustomAttribute<ConfigKindAttribute>() is not null).ToList();
        Assert.Equal(14, records.Count);
        Assert.All(records, r => Assert.True(Kinds.TryGet(ConfigKinds.NameOf(r), out var kind) && kind.Type == r, $"{r.Name} has no ConfigKind<{r.Name}> in Config/Kinds"));
    }

    [Fact]
    public void Names_and_admin_paths_are_unique()
    {
        Assert.Equal(Kinds.All.Count, Kinds.All.Select(k => k.Name).Distinct().Count());
        Assert.Equal(Kinds.All.Count, Kinds.All.Select(k => k.AdminPath).Distinct().Count());
    }

    [Fact]
    public void A_kind_comes_after_the_kinds_it_refers_to_so_an_environment_applies_in_order()
    {
        var place = Kinds.All.Select((k, i) => (k.Name, i)).ToDictionary(p => p.Name, p => p.i);
        foreach (var kind in Kinds.All)
            foreach (var reference in kind.References.Where(r => r.Target != ConfigReference.Service))
                Assert.True(place[reference.Target] < place[kind.Name], $"{kind.Name}.{reference.Field} refers to {reference.Target}, which is applied after it");
    }

    [Fact]
    public void Every_field_has_help_from_its_records_documentation()
    {
        foreach (var kind in Kinds.All)
            Assert.All(kind.Fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Help), $"{kind.Name}.{f.Name} has no documentation"));
    }

    [Fact]
    public void The_order_is_the_one_environments_are_written_in()
    {
        // Topics come before the channels, which may feed them.
        Assert.Equal(["security", "connection_amqp", "connection_mq", "outgoing_rest", "outgoing_amqp", "outgoing_mq", "pubsub_topic", "channel_rest", "channel_amqp",
            "channel_mq", "channel_websocket", "pubsub_subscription", "scheduler", "service_settings"], Kinds.Names);
    }

    [Fact]
    public void A_secret_stays_out_of_the_fields_a_user_sets()
    {
        Kinds.TryGet("security", out var security);
        Assert.True(security.HasSecret);
        Assert.DoesNotContain(security.Fields, f => f.Name == "secret_cipher");
        Assert.Contains(security.Fields, f => f.Name == "type" && f.Default == "\"apikey\"");
    }
}
