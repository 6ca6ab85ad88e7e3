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
}
