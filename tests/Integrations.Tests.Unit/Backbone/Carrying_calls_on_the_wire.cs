using Integrations.Bus.Backbone;
using Integrations.Messages;
using RabbitMQ.Client;

namespace Integrations.Tests.Unit.Backbone;

public sealed class Carrying_calls_on_the_wire
{
    private static readonly DateTimeOffset Deadline = DateTimeOffset.UtcNow.AddSeconds(30);

    private static InvokeService Call => new()
    {
        Service = "crm.get-customer", Cid = "cid-1", Input = InvokeService.Json("""{"id":"Zoë"}"""), Channel = "My REST Channel", Caller = "partner", Deadline = Deadline,
        Defaults = """{"page":"2"}""", Overrides = """{"id":"7"}""",
    };

    [Fact]
    public void A_waiting_call_is_transient_expires_at_its_deadline_and_names_the_reply_address()
    {
        var properties = Wire.CallProperties(Call, waiting: true, "42");
        Assert.Equal(DeliveryModes.Transient, properties.DeliveryMode);
        Assert.Equal("amq.rabbitmq.reply-to", properties.ReplyTo);
        Assert.Equal("42", properties.CorrelationId);
        Assert.InRange(long.Parse(properties.Expiration!), 29_000, 30_000);
    }

    [Fact]
    public void A_call_nobody_waits_for_is_persistent_and_never_expires()
    {
        var properties = Wire.CallProperties(Call, waiting: false, null);
        Assert.Equal(DeliveryModes.Persistent, properties.DeliveryMode);
        Assert.Null(properties.ReplyTo);
        Assert.Null(properties.Expiration);
    }

    [Fact]
    public void A_call_arrives_as_it_was_sent_with_the_input_as_the_body()
    {
        var properties = Wire.CallProperties(Call, waiting: true, "42");
        // The broker hands header strings over as bytes.
        properties.Headers = properties.Headers!.ToDictionary(h => h.Key, h => h.Value is string s ? (object?)System.Text.Encoding.UTF8.GetBytes(s) : h.Value);
        var received = Wire.ReadCall(properties, Call.Input.ToArray());
        // The input is the body itself, as bytes: nothing is parsed or decoded on the way.
        Assert.Equal(Call.Input.ToArray(), received.Input.ToArray());
        Assert.Equal(Call with { Input = default, Deadline = DateTimeOffset.FromUnixTimeMilliseconds(Deadline.ToUnixTimeMilliseconds()) }, received with { Input = default });
    }

    [Fact]
    public void An_answer_carries_status_output_error_and_headers()
    {
        var ok = new ServiceResult { Cid = "cid-1", Status = 201, Output = """{"id":1}""", Headers = new() { ["Location"] = "/x/1" } };
        var (properties, body) = Wire.Answer(ok, "42");
        var back = Wire.ReadAnswer(properties, body);
        Assert.Equal((201, """{"id":1}""", "/x/1", "cid-1"), (back.Status, back.Output, back.Headers!["Location"], back.Cid));

        var failed = Wire.ReadAnswer(Wire.Answer(ServiceResult.Failed("cid-2", 502, "CRM: refused"), "43").Properties, Array.Empty<byte>());
        Assert.Equal((502, "CRM: refused", (string?)null), (failed.Status, failed.Error, failed.Output));
    }
}
