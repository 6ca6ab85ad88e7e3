using Integrations.Runtime;

namespace Integrations.Tests.Unit.Sdk;

public sealed class Binding_service_input
{
    public sealed record Order(string Customer, int Quantity, string? Note, decimal? Discount, string Channel = "web");

    public sealed record WithRequiredProperty
    {
        public required string Id { get; init; }
        public string? Comment { get; init; }
    }

    [Fact]
    public void Nullable_members_and_defaults_are_optional()
    {
        Assert.Equal(["customer", "quantity"], ServiceInput.Required(typeof(Order)));
        Assert.Equal(["id"], ServiceInput.Required(typeof(WithRequiredProperty)));
        Assert.Empty(ServiceInput.Required(typeof(Integrations.Services.Demo.Hello.Input)));
    }

    [Fact]
    public void Snake_case_json_binds_to_the_record()
    {
        var order = ServiceInput.Bind<Order>("""{"customer": "ACME", "quantity": 3, "discount": 0.5}""");
        Assert.Equal(new Order("ACME", 3, null, 0.5m), order);
    }

    [Fact]
    public void Numbers_given_as_strings_bind_as_key_value_parameters_need()
    {
        Assert.Equal(7, ServiceInput.Bind<Order>("""{"customer": "ACME", "quantity": "7"}""").Quantity);
    }

    [Fact]
    public void All_missing_required_fields_are_named_in_one_answer()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>("""{"note": "x"}"""));
        Assert.Equal(400, error.Status);
        Assert.Equal("missing required fields: customer, quantity", error.Message);
    }

    [Fact]
    public void A_null_required_field_counts_as_missing()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>("""{"customer": null, "quantity": 1}"""));
        Assert.Equal("missing required field: customer", error.Message);
    }

    [Fact]
    public void Malformed_json_is_answered_with_line_and_position()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>("{\n  \"customer\": \"ACME\",\n  \"quantity\": 3,,\n}"));
        Assert.Equal(400, error.Status);
        Assert.StartsWith("malformed JSON at line 3, position 17", error.Message);
    }

    public enum Size { Small, ExtraLarge }

    public sealed record Line(string Sku, int Quantity);

    public sealed record Basket(string Customer, List<Line> Lines, Size? Size, DateTimeOffset? When, Dictionary<string, int>? Counts);

    [Theory]
    [InlineData("""{"customer": "ACME", "quantity": "many"}""", "quantity: expected a whole number, got the string \"many\"")]
    [InlineData("""{"customer": 5, "quantity": 1}""", "customer: expected a string, got the number 5")]
    [InlineData("""{"customer": "ACME", "quantity": 1.5}""", "quantity: expected a whole number, got the number 1.5")]
    [InlineData("""{"customer": "ACME", "quantity": [1]}""", "quantity: expected a whole number, got a list")]
    [InlineData("""{"customer": "ACME", "quantity": 1, "discount": true}""", "discount: expected a number, got true")]
    public void A_value_of_the_wrong_type_is_answered_with_the_field_what_it_must_be_and_what_came(string json, string message)
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>(json));
        Assert.Equal(400, error.Status);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""{"customer": "A", "lines": [{"sku": "x", "quantity": 1}, {"sku": "y", "quantity": "two"}]}""", "lines[1].quantity: expected a whole number, got the string \"two\"")]
    [InlineData("""{"customer": "A", "lines": {"sku": "x"}}""", "lines: expected a list, got an object")]
    [InlineData("""{"customer": "A", "lines": [], "size": "huge"}""", "size: expected one of 'small', 'extra_large', got the string \"huge\"")]
    [InlineData("""{"customer": "A", "lines": [], "when": "next tuesday"}""", "when: expected a date and time such as 2026-12-01T08:00:00Z, got the string \"next tuesday\"")]
    [InlineData("""{"customer": "A", "lines": [], "counts": {"a": "x"}}""", "counts.a: expected a whole number, got the string \"x\"")]
    public void Nested_values_are_named_by_their_path(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<ServiceException>(() => ServiceInput.Bind<Basket>(json)).Message);
    }

    [Fact]
    public void A_field_given_twice_is_refused_with_or_without_fields_from_elsewhere()
    {
        Assert.Equal("quantity: is given twice", Assert.Throws<ServiceException>(() =>
            ServiceInput.Bind<Order>(Messages.InvokeService.Json("""{"customer": "A", "quantity": 1, "quantity": 2}"""))).Message);
        Assert.Equal("quantity: is given twice", Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>(new Messages.InvokeService
        {
            Input = Messages.InvokeService.Json("""{"customer": "A", "quantity": 1, "quantity": 2}"""), Overrides = """{"customer": "B"}""",
        })).Message);
    }

    [Fact]
    public void Fields_from_elsewhere_lie_under_the_body_or_over_it()
    {
        var order = ServiceInput.Bind<Order>(new Messages.InvokeService
        {
            Input = Messages.InvokeService.Json("""{"customer": "body", "quantity": 2}"""),
            Defaults = """{"customer": "query", "note": "from the query"}""",
            Overrides = """{"quantity": "3"}""",
        });
        Assert.Equal(new Order("body", 3, "from the query", null), order);
    }

    [Fact]
    public void The_demo_service_says_what_its_name_must_be()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Integrations.Services.Demo.Hello.Input>("""{"name": 5}"""));
        Assert.Equal("name: expected a string, got the number 5", error.Message);
        Assert.DoesNotContain("Integrations", error.Message);
    }

    [Fact]
    public void Input_that_is_not_an_object_is_refused()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>("[1, 2]"));
        Assert.Equal("input must be a JSON object, not an array", error.Message);
    }

    [Fact]
    public void Empty_input_means_an_empty_object()
    {
        Assert.Null(ServiceInput.Bind<Integrations.Services.Demo.Hello.Input>("").Name);
    }
}
