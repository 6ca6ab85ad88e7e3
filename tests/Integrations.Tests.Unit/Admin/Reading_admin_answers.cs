using Integrations.Admin;

namespace Integrations.Tests.Unit.Admin;

public sealed class Reading_admin_answers
{
    [Fact]
    public void A_refused_change_gives_its_message_and_each_field()
    {
        var answer = new AdminAnswer(400, """{"error":"outgoing_rest 'CRM': address: not a URL","status":400,"errors":[{"field":"address","message":"not a URL"}]}""", "c1", 3);
        Assert.False(answer.IsSuccess);
        Assert.Equal("outgoing_rest 'CRM': address: not a URL", answer.Error);
        Assert.Equal([new ConfigFieldError("address", "not a URL")], answer.FieldErrors);
        var refused = Assert.Throws<AdminApiException>(() => answer.As<PingResult>());
        Assert.Equal("outgoing_rest 'CRM': address: not a URL", refused.Message);
        Assert.Same(answer, refused.Answer);
    }

    [Fact]
    public void A_success_reads_as_its_dto_in_snake_case_and_ignores_fields_it_does_not_know()
    {
        var answer = new AdminAnswer(200, """{"name":"CRM","ok":true,"status":200,"time_ms":35.5,"reason":null,"url":"http://x/","added_later":1}""", null, 1);
        Assert.Equal(new PingResult("CRM", true, 200, 35.5, null, "http://x/"), answer.As<PingResult>());
        Assert.Empty(answer.FieldErrors);
        Assert.Null(answer.Error);
    }

    [Fact]
    public void An_answer_that_is_not_json_is_its_own_error()
    {
        var answer = new AdminAnswer(502, "Bad Gateway", null, 1);
        Assert.Equal("Bad Gateway", answer.Error);
        Assert.Equal("Bad Gateway", answer.Pretty);
    }
}
