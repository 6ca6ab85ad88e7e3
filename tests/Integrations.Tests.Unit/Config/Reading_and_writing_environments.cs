using System.Text.Json.Nodes;
using Integrations.Bus.Config.Environment;

namespace Integrations.Tests.Unit.Config;

public sealed class Reading_and_writing_environments
{
    [Theory]
    [InlineData("true")]
    [InlineData("10")]
    [InlineData("1.5")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("a: b")]
    [InlineData("# not a comment")]
    [InlineData("@hourly")]
    [InlineData("{\"name\":\"Mike\"}")]
    [InlineData("name=Mike\nage=3")]
    [InlineData("http://localhost:17010")]
    [InlineData("'quoted'")]
    public void A_string_written_out_reads_back_as_the_same_string(string text)
    {
        var content = new EnvironmentContent(new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["outgoing_rest"] = [new JsonObject { ["name"] = text, ["url_path"] = text }],
        }, []);
        var yaml = EnvironmentYaml.Write(content, null);
        var read = EnvironmentYaml.Parse("x.yaml", yaml, ".", _ => null);
        Assert.True(read.Content is not null, string.Join("\n", read.Errors) + "\n" + yaml);
        var item = read.Content!.Objects["outgoing_rest"].Single();
        Assert.Equal(text, item["name"]!.GetValue<string>());
        Assert.Equal(text, item["url_path"]!.GetValue<string>());
    }

    [Fact]
    public void Numbers_booleans_lists_and_nulls_keep_their_types()
    {
        var read = EnvironmentYaml.Parse("x.yaml", """
            channel_rest:
              - name: C
                max_body_bytes: 2048
                is_active: false
                cors_origins: [https://a.example.com, "*"]
                method: ~
            """, ".", _ => null);
        var item = read.Content!.Objects["channel_rest"].Single();
        Assert.Equal("2048", item["max_body_bytes"]!.GetValue<string>()); // numbers bind from text
        Assert.False(item["is_active"]!.GetValue<bool>());
        Assert.Equal(["https://a.example.com", "*"], item["cors_origins"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Null(item["method"]);
    }

    [Fact]
    public void A_password_is_the_secret_and_placeholders_come_from_the_variables()
    {
        var read = EnvironmentYaml.Parse("x.yaml", """
            security:
              - name: My API Key
                password: Esb_Env.My_API_Key
            outgoing_rest:
              - name: CRM
                address: Esb_Env.CRM_ADDRESS
            """, ".", name => name switch { "My_API_Key" => "abc", "CRM_ADDRESS" => "https://crm.example.com", _ => null });
        Assert.Equal("abc", read.Content!.Objects["security"].Single()["secret"]!.GetValue<string>());
        Assert.Equal("https://crm.example.com", read.Content.Objects["outgoing_rest"].Single()["address"]!.GetValue<string>());
    }

    [Fact]
    public void A_jobs_input_may_be_written_as_a_mapping()
    {
        var read = EnvironmentYaml.Parse("x.yaml", "scheduler:\n  - name: J\n    extra:\n      name: Mike\n      count: 3\n", ".", _ => null);
        Assert.Equal("""{"name":"Mike","count":"3"}""", read.Content!.Objects["scheduler"].Single()["extra"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("My API Key", "Esb_Env.My_API_Key")]
    [InlineData("crm-billing.v2", "Esb_Env.crm_billing_v2")]
    public void A_secret_is_named_after_its_object(string name, string placeholder) =>
        Assert.Equal(placeholder, EnvironmentYaml.PlaceholderFor(name));

    [Theory]
    [InlineData("- just a list\n", "x.yaml:1:1: the file must be a mapping of sections")]
    [InlineData("security: yes\n", "x.yaml:1:11: security: must be a list")]
    [InlineData("security:\n  - just text\n", "x.yaml:2:5: security: each item must be an object")]
    [InlineData("services:\n  - missing/File.cs\n", "x.yaml:2:5: services: missing/File.cs: cannot be read")]
    [InlineData("security: [\n", "x.yaml:")]
    public void A_file_that_is_not_an_environment_says_where(string yaml, string error) =>
        Assert.StartsWith(error, Assert.Single(EnvironmentYaml.Parse("x.yaml", yaml, Path.GetTempPath(), _ => null).Errors));
}
