using System.Text;
using System.Text.Json;
using Integrations.Bus.Logging;
using Integrations.Bus.Node;
using Microsoft.Extensions.Configuration;
using Serilog.Context;
using Serilog.Events;

namespace Integrations.Tests.Unit.Logging;

/// <summary>
/// The node's log from its settings: JSON lines instead of the node's own, and the <c>Serilog</c> section read over
/// the node's console and file — what it may name, and what it cannot, said naming the setting.
/// </summary>
public sealed class Configuring_the_log
{
    [Fact]
    public void A_section_of_the_sinks_the_node_ships_is_fine()
    {
        var section = Section("""
            {"Serilog": {
              "Using": ["Serilog.Sinks.Seq", "Serilog.Sinks.OpenTelemetry"],
              "MinimumLevel": {"Default": "Debug", "Override": {"Microsoft.AspNetCore": "Information"}},
              "Enrich": ["FromLogContext"],
              "Properties": {"Team": "integrations"},
              "WriteTo": [
                {"Name": "Seq", "Args": {"serverUrl": "http://127.0.0.1:5341", "apiKey": "k", "restrictedToMinimumLevel": "Warning"}},
                {"Name": "OpenTelemetry", "Args": {"endpoint": "http://127.0.0.1:4318/v1/logs", "protocol": "HttpProtobuf"}},
                {"Name": "File", "Args": {"path": "logs/events.json", "formatter": "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact"}},
                "Console"
              ]}}
            """);
        Assert.Empty(SerilogSettings.Check(section));
        Assert.Equal(LogEventLevel.Debug, SerilogSettings.DefaultLevel(section));
    }

    [Theory]
    [InlineData("""{"WriteTo": [{"Name": "Sek"}]}""", "Serilog:WriteTo:0:Name", "no sink named 'Sek'; did you mean 'Seq'?")]
    [InlineData("""{"WriteTo": ["seq"]}""", "Serilog:WriteTo:0", "no sink named 'seq'; did you mean 'Seq'?")]
    [InlineData("""{"WriteTo": [{"Name": "Elastic"}]}""", "Serilog:WriteTo:0:Name", "no sink named 'Elastic'; the node has ")]
    [InlineData("""{"WriteTo": [{"Name": "Seq"}]}""", "Serilog:WriteTo:0:Args", "Seq needs serverUrl")]
    [InlineData("""{"WriteTo": [{"Name": "Seq", "Args": {"serverUrl": "http://x", "apiKy": "k"}}]}""", "Serilog:WriteTo:0:Args:apiKy", "Seq has no argument 'apiKy'; did you mean 'apiKey'?")]
    [InlineData("""{"WriteTo": [{"Name": "Console", "Args": {"restrictedToMinimumLevel": "Loud"}}]}""", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel", "'Loud' is not one of Verbose, Debug")]
    [InlineData("""{"WriteTo": [{"Args": {"path": "x"}}]}""", "Serilog:WriteTo:0", "a sink needs a Name")]
    [InlineData("""{"Enrich": ["FromLogContxt"]}""", "Serilog:Enrich:0", "no enricher named 'FromLogContxt'; did you mean 'FromLogContext'?")]
    [InlineData("""{"MinimumLevel": "Loud"}""", "Serilog:MinimumLevel", "'Loud' is not one of Verbose, Debug, Information, Warning, Error, Fatal")]
    [InlineData("""{"MinimumLevel": {"Default": "Chatty"}}""", "Serilog:MinimumLevel:Default", "'Chatty' is not one of")]
    [InlineData("""{"MinimumLevel": {"Override": {"Microsoft": "Quiet"}}}""", "Serilog:MinimumLevel:Override:Microsoft", "'Quiet' is not one of")]
    [InlineData("""{"MinimumLevel": {"Defualt": "Debug"}}""", "Serilog:MinimumLevel:Defualt", "is not a setting of MinimumLevel; did you mean 'Default'?")]
    [InlineData("""{"WritTo": []}""", "Serilog:WritTo", "is not a Serilog setting; did you mean 'WriteTo'?")]
    [InlineData("""{"Using": ["Serilog.Sinks.Elasticsearch"]}""", "Serilog:Using:0", "'Serilog.Sinks.Elasticsearch' is not an assembly the node has; it has Serilog, Serilog.Sinks.Console")]
    public void What_serilog_would_pass_over_is_named_by_its_setting(string serilog, string key, string says)
    {
        var problems = SerilogSettings.Check(Section($$$"""{"Serilog": {{{serilog}}}}"""));
        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Contains(says, problem.Problem);
    }

    [Fact]
    public void A_node_with_a_bad_section_does_not_make_its_logger()
    {
        var options = Options("bad", LogFormat: "text");
        options.LogSettings = Section("""{"Serilog": {"WriteTo": [{"Name": "Sek"}]}}""");
        var refused = Assert.Throws<ArgumentException>(() => EsbLogging.Create(options));
        Assert.StartsWith("Serilog:WriteTo:0:Name: no sink named 'Sek'", refused.Message);
    }

    [Fact]
    public void A_bad_value_serilog_itself_refuses_is_said_under_the_section()
    {
        var options = Options("bad-value", LogFormat: "text");
        options.LogSettings = Section("""{"Serilog": {"WriteTo": [{"Name": "Seq", "Args": {"serverUrl": "http://127.0.0.1:1", "period": "soon"}}]}}""");
        var refused = Assert.Throws<ArgumentException>(() => EsbLogging.Create(options));
        Assert.StartsWith("Serilog: ", refused.Message);
    }

    [Fact]
    public void Json_lines_carry_the_cid_and_the_node_as_properties()
    {
        var options = Options("json", LogFormat: "json");
        using (var log = EsbLogging.Create(options))
        {
            using (LogContext.PushProperty("Cid", "c1d-json"))
                log.ForContext("SourceContext", "rest-channel").Warning("REST cha → {Status}", 200);
        }
        var line = Assert.Single(File.ReadAllLines(Path.Combine(options.LogDirectory!, "server.log")));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("c1d-json", json.RootElement.GetProperty("Cid").GetString());
        Assert.Equal("REST cha → {Status}", json.RootElement.GetProperty("@mt").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("@l").GetString());
        Assert.Equal(200, json.RootElement.GetProperty("Status").GetInt32());
        Assert.Equal("json", json.RootElement.GetProperty("Node").GetString());
    }

    [Fact]
    public void The_sections_sinks_and_overrides_come_on_top_of_the_nodes_own_and_the_nodes_level_wins()
    {
        var options = Options("layered", LogFormat: "text");
        var extra = Path.Combine(options.LogDirectory!, "extra.json");
        options.LogLevel = LogEventLevel.Warning;
        options.LogSettings = Section($$$"""
            {"Serilog": {
              "MinimumLevel": {"Default": "Verbose", "Override": {"Microsoft.Hosting": "Error"}},
              "Properties": {"Site": "north"},
              "WriteTo": [{"Name": "File", "Args": {"path": {{{JsonSerializer.Serialize(extra)}}}, "formatter": "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact"}}]}}
            """);
        using (var log = EsbLogging.Create(options))
        {
            log.Information("below the node's level");
            log.Warning("at the node's level");
            log.ForContext("SourceContext", "Microsoft.Hosting.Lifetime").Warning("below the section's override");
        }
        var ownLines = File.ReadAllLines(Path.Combine(options.LogDirectory!, "server.log"));
        Assert.Contains(" WRN [esb] at the node's level", Assert.Single(ownLines));
        using var json = JsonDocument.Parse(Assert.Single(File.ReadAllLines(extra)));
        Assert.Equal("at the node's level", json.RootElement.GetProperty("@mt").GetString());
        Assert.Equal("north", json.RootElement.GetProperty("Site").GetString());
    }

    [Fact]
    public void A_log_format_that_is_none_is_refused_naming_its_option()
    {
        var options = Options("format", LogFormat: "xml");
        var refused = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal("--log-format: 'xml' is not a log format; use text or json", refused.Message);
    }

    private static NodeOptions Options(string name, string LogFormat) => new()
    {
        NodeName = name,
        LogFormat = LogFormat,
        LogToConsole = false,
        LogDirectory = Path.Combine(Path.GetTempPath(), "esb-unit", name + "-" + Guid.NewGuid().ToString("N")[..6]),
    };

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection(SerilogSettings.Section);
}
