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

    [Fact]
    public void A_value_of_the_wrong_type_is_answered_with_its_path()
    {
        var error = Assert.Throws<ServiceException>(() => ServiceInput.Bind<Order>("""{"customer": "ACME", "quantity": "many"}"""));
        Assert.Equal(400, error.Status);
        Assert.StartsWith("invalid value at $.quantity", error.Message);
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
