using Integrations.Bus.Config;
using Integrations.Config;

namespace Integrations.Tests.Unit.Config;

public sealed class Keeping_the_view_current
{
    [Fact]
    public void A_resync_that_brings_the_same_content_changes_nothing()
    {
        var view = new ConfigView();
        var changes = 0;
        view.Changed += (_, _, _) => changes++;
        view.Put("channel_rest", new ChannelRest { Name = "c", Service = "s", UrlPath = "/c", CorsOrigins = ["https://a.example.com"] });
        var version = view.Version;

        // A fresh copy from the database: equal content, a different list instance.
        view.ReplaceAll("channel_rest", [new ChannelRest { Name = "c", Service = "s", UrlPath = "/c", CorsOrigins = ["https://a.example.com"] }]);

        Assert.Equal(version, view.Version);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void A_real_change_is_applied_and_counted()
    {
        var view = new ConfigView();
        view.Put("channel_rest", new ChannelRest { Name = "c", Service = "s", UrlPath = "/c" });
        var version = view.Version;
        view.ReplaceAll("channel_rest", [new ChannelRest { Name = "c", Service = "s", UrlPath = "/d" }]);
        Assert.True(view.Version > version);
        Assert.Equal("/d", view.Find<ChannelRest>("c")!.UrlPath);
    }

    [Fact]
    public void A_batch_settles_once_and_a_change_outside_it_at_once()
    {
        var view = new ConfigView();
        var settled = 0;
        var changed = 0;
        using var _ = view.WatchSettled(["channel_rest"], () => settled++);
        using var __ = view.Watch(["channel_rest"], (_, _) => changed++);

        using (view.Batch())
        {
            for (var i = 0; i < 3; i++) view.Put("channel_rest", new ChannelRest { Name = $"c{i}", Service = "s", UrlPath = $"/c{i}" });
            view.Remove("channel_rest", "c0");
            view.Put("outgoing_rest", new OutgoingRest { Name = "o", Address = "http://127.0.0.1:9" });
            Assert.Equal(0, settled);
        }
        Assert.Equal(1, settled);
        Assert.Equal(4, changed); // every object is still heard of

        view.Put("channel_rest", new ChannelRest { Name = "c9", Service = "s", UrlPath = "/c9" });
        Assert.Equal(2, settled);
        view.Put("outgoing_rest", new OutgoingRest { Name = "p", Address = "http://127.0.0.1:9" });
        Assert.Equal(2, settled);
    }
}
