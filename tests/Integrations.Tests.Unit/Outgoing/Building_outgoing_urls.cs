using Integrations.Adapters.Http;
using Integrations.Config;

namespace Integrations.Tests.Unit.Outgoing;

public sealed class Building_outgoing_urls
{
    private static string Url(string path, object? query) =>
        RestConnections.BuildUrl(new OutgoingRest { Name = "CRM", Address = "http://crm.example.com:8080/", UrlPath = path },
            RestConnections.Parameters.Of(query)).AbsoluteUri;

    [Fact]
    public void Placeholders_take_their_parameters_and_the_rest_go_to_the_query_string() =>
        Assert.Equal("http://crm.example.com:8080/customers/42/orders?status=open&UserName=Mike%20Smith",
            Url("/customers/{id}/orders", new { id = 42, status = "open", UserName = "Mike Smith" }));

    [Fact]
    public void Names_are_kept_as_written() =>
        Assert.Equal("http://crm.example.com:8080/tutorial/api/balance/get?USER=Mike", Url("/tutorial/api/balance/get", new { USER = "Mike" }));

    [Fact]
    public void Dictionaries_and_values_of_any_kind_are_parameters() =>
        Assert.Equal("http://crm.example.com:8080/x?a=1.5&b=true",
            Url("/x", new Dictionary<string, object> { ["a"] = 1.5m, ["b"] = true }));

    [Fact]
    public void A_missing_placeholder_is_named()
    {
        var error = Assert.Throws<ServiceException>(() => Url("/customers/{id}", new { name = "x" }));
        Assert.Equal("CRM: its URL path /customers/{id} needs {id}, which the call did not give", error.Message);
    }

    [Fact]
    public void Parameters_are_logged_as_the_tutorial_shows_them() =>
        Assert.Equal("{'UserName': 'Mike'}", RestConnections.Parameters.Describe(RestConnections.Parameters.Of(new { UserName = "Mike" })));
}
