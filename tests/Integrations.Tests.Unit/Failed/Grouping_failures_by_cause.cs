using Integrations.Bus.Failed;

namespace Integrations.Tests.Unit.Failed;

public sealed class Grouping_failures_by_cause
{
    [Fact]
    public void A_thrown_exception_is_the_cause_whatever_the_error_says()
    {
        Assert.Equal("System.TimeoutException", FailedCause.Of(500, "ledger failed; the server log has the details under cid=abc123", "System.TimeoutException"));
    }

    [Theory]
    [InlineData("name: expected a string, got the number 5", "name: expected a string, got the number 6")]
    [InlineData("no customer 'Ann'", "no customer 'Bob'")]
    [InlineData("502 from CRM (cid=9g45sbpteueu0nq7j3n4)", "502 from CRM (cid=ndphva9mqsqsmiq1iod0)")]
    [InlineData("order 0ca4fc99-259a-427d-bacc-6e696287371e refused", "order 79b97e5d-5842-45d6-8ed8-60d1c9ff2946 refused")]
    public void Errors_that_differ_only_in_their_values_have_one_cause(string one, string other)
    {
        Assert.Equal(FailedCause.Of(400, one, null), FailedCause.Of(400, other, null));
        Assert.Equal(FailedCause.GroupOf("demo.hello", FailedCause.Of(400, one, null)), FailedCause.GroupOf("demo.hello", FailedCause.Of(400, other, null)));
    }

    [Fact]
    public void Different_statuses_services_and_first_lines_are_different_groups()
    {
        var cause = FailedCause.Of(400, "name: is required", null);
        Assert.NotEqual(cause, FailedCause.Of(500, "name: is required", null));
        Assert.NotEqual(cause, FailedCause.Of(400, "order: is required", null));
        Assert.NotEqual(FailedCause.GroupOf("a.one", cause), FailedCause.GroupOf("a.two", cause));
        Assert.Equal("400 name: is required", FailedCause.Of(400, "name: is required\nmore detail", null));
        Assert.Equal("400 quantity: must be from … to …", FailedCause.Of(400, "quantity: must be from 1 to 99", null));
    }
}
