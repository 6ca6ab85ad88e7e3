using System.Net;
using System.Text.Json.Serialization;

namespace Integrations.Tests.Unit.Outgoing;

public sealed class Reading_typed_rest_answers
{
    public sealed record User(string UserType, [property: JsonPropertyName("ACC_BALANCE")] decimal Balance, int? Age);

    private static RestResponse Answer(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new("CRM", status, new Dictionary<string, string>(), body);

    [Fact]
    public void Fields_match_without_regard_to_case_and_JsonPropertyName_names_the_rest()
    {
        Assert.Equal(new User("RGV", 357.9m, 41), Answer("""{"usertype": "RGV", "ACC_BALANCE": "357.9", "Age": 41}""").As<User>());
    }

    [Fact]
    public void A_failed_answer_fails_the_call_with_502_naming_the_system()
    {
        var error = Assert.Throws<OutgoingCallException>(() => Answer("""{"userType": "RGV"}""", HttpStatusCode.NotFound).As<User>());
        Assert.Equal(502, error.Status);
        Assert.Equal("CRM: answered 404 NotFound", error.Message);
    }

    [Fact]
    public void An_answer_of_the_wrong_shape_says_where()
    {
        var error = Assert.Throws<OutgoingCallException>(() => Answer("""{"userType": "RGV", "Age": "old"}""").As<User>());
        Assert.Equal("CRM: its answer is not what was expected at $.Age", error.Message);
        Assert.Equal("CRM: its answer is empty (null)", Assert.Throws<OutgoingCallException>(() => Answer("null").As<User>()).Message);
    }
}
