using System.Xml.Linq;
using Integrations.ApiTest;

namespace Integrations.Tests.Unit.ApiTests;

public sealed class Finding_xml_with_xpath
{
    private const string Envelope = """
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cus="urn:customers">
          <soapenv:Body>
            <cus:get id="7"><cus:name>Ann</cus:name><cus:tag>a</cus:tag><cus:tag>b</cus:tag></cus:get>
            <plain xmlns="urn:default"><inner>text</inner></plain>
          </soapenv:Body>
        </soapenv:Envelope>
        """;

    private static readonly Dictionary<string, string> NoPrefixes = [];

    [Theory]
    [InlineData("//cus:name", "Ann")]
    [InlineData("/soapenv:Envelope/soapenv:Body/cus:get/@id", "7")]
    [InlineData("count(//cus:tag)", "2")]
    [InlineData("//soapenv:Body/descendant::*[name()='cus:name']", "Ann")]
    [InlineData("string(//cus:tag[2])", "b")]
    [InlineData("boolean(//cus:get)", "true")]
    public void An_xpath_uses_the_documents_own_prefixes_when_no_step_gave_them(string xpath, string text) =>
        Assert.Equal(text, XmlPaths.Text(XmlPaths.Parse(Envelope, "the response"), xpath, NoPrefixes));

    [Fact]
    public void A_prefix_a_step_gave_names_its_namespace_whatever_the_document_calls_it()
    {
        var document = XmlPaths.Parse(Envelope, "the response");
        var prefixes = new Dictionary<string, string> { ["s"] = XmlPaths.Soap11, ["c"] = "urn:customers", ["d"] = "urn:default", ["cus"] = "urn:other" };
        Assert.Equal("Ann", XmlPaths.Text(document, "/s:Envelope/s:Body/c:get/c:name", prefixes));
        Assert.Equal("text", XmlPaths.Text(document, "//d:plain/d:inner", prefixes));
        // The step's cus wins over the document's.
        Assert.Null(XmlPaths.Text(document, "//cus:name", prefixes));
    }

    [Fact]
    public void A_prefix_nobody_gave_is_named_with_the_step_that_gives_it() =>
        Assert.Equal("XPath //x:name: the prefix x has no namespace; add Given namespace prefix \"x\" of \"…\" before this step",
            Assert.Throws<FormatException>(() => XmlPaths.Text(XmlPaths.Parse(Envelope, "the response"), "//x:name", NoPrefixes)).Message);

    [Fact]
    public void An_xpath_that_finds_several_nodes_asks_for_one() =>
        Assert.StartsWith("XPath //cus:tag finds 2 nodes; make it find one (e.g. (//cus:tag)[1])",
            Assert.Throws<FormatException>(() => XmlPaths.Text(XmlPaths.Parse(Envelope, "the response"), "//cus:tag", NoPrefixes)).Message);

    [Fact]
    public void Setting_an_xpath_changes_the_text_of_an_element_or_an_attribute_and_keeps_the_rest()
    {
        var document = XmlPaths.Parse(Envelope, "the request");
        var prefixes = new Dictionary<string, string> { ["c"] = "urn:customers" };
        XmlPaths.Set(document, "//c:name", prefixes, "Bob");
        XmlPaths.Set(document, "//c:get/@id", prefixes, "8");
        XmlPaths.Set(document, "//c:get", prefixes, "lead");
        XNamespace c = "urn:customers";
        var get = document.Descendants(c + "get").Single();
        Assert.Equal(("Bob", "8"), (get.Element(c + "name")!.Value, get.Attribute("id")!.Value));
        Assert.Equal("lead", get.Nodes().OfType<XText>().Single().Value);
        Assert.Equal(3, get.Elements().Count());
        Assert.Equal("XPath //c:none finds nothing in the request", Assert.Throws<FormatException>(() => XmlPaths.Set(document, "//c:none", prefixes, "x")).Message);
    }

    [Theory]
    [InlineData(XmlPaths.Soap11, "1.1")]
    [InlineData(XmlPaths.Soap12, "1.2")]
    [InlineData("urn:other", null)]
    public void The_envelopes_namespace_says_which_soap_it_is(string ns, string? version) =>
        Assert.Equal(version, XmlPaths.SoapVersion(XDocument.Parse($"<e:Envelope xmlns:e=\"{ns}\"><e:Body/></e:Envelope>")));

    [Fact]
    public void Text_that_is_not_xml_is_refused_with_its_line() =>
        Assert.StartsWith("the response is not XML: line 2,", Assert.Throws<FormatException>(() => XmlPaths.Parse("<a>\n<b></a>", "the response")).Message);
}
