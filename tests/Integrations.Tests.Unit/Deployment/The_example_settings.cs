using Integrations.Bus.Logging;
using Integrations.Bus.Node;
using Microsoft.Extensions.Configuration;

namespace Integrations.Tests.Unit.Deployment;

/// <summary><c>compose/appsettings.example.json</c>: the node's defaults, TLS and extra sinks off, a Serilog section the node takes as it is.</summary>
public sealed class The_example_settings
{
    private static readonly IConfigurationRoot Example = new ConfigurationBuilder().AddJsonFile(DeploymentFiles.Compose("appsettings.example.json")).Build();

    [Fact]
    public void Has_a_serilog_section_the_node_takes_with_no_sink_of_its_own()
    {
        var serilog = Example.GetSection(SerilogSettings.Section);
        Assert.True(serilog.Exists());
        Assert.Empty(SerilogSettings.Check(serilog));
        Assert.Empty(serilog.GetSection("WriteTo").GetChildren());
        Assert.Null(SerilogSettings.DefaultLevel(serilog));
    }

    [Fact]
    public void Serves_http_with_no_certificate_and_writes_text_lines()
    {
        var defaults = new NodeOptions();
        Assert.Equal(defaults.ChannelsUrl, Example["Esb:ChannelsUrl"]);
        Assert.Equal(defaults.AdminUrl, Example["Esb:AdminUrl"]);
        Assert.Equal(defaults.LogFormat, Example["Esb:LogFormat"]);
        foreach (var port in new[] { "ChannelsCertificate", "AdminCertificate" })
        {
            Assert.Equal("", Example[$"Esb:{port}:Path"]);
            Assert.Equal("", Example[$"Esb:{port}:KeyPath"]);
            Assert.Null(Example[$"Esb:{port}:Password"]);
        }
    }
}
