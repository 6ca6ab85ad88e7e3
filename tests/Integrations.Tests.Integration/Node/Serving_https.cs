using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Integrations.Tests.Integration.Infrastructure;

namespace Integrations.Tests.Integration.Node;

/// <summary>
/// <c>esb serve</c> on https:// ports: the channel port with a PEM certificate and its key, the admin port with a
/// .pfx whose password comes from the environment, each made here and self-signed; callers that trust it reach
/// <c>/esb/ping</c>, the admin API and the dashboard, which sends HSTS and secure cookies.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class Serving_https(Servers servers)
{
    [Fact]
    public async Task Both_ports_serve_their_certificates_and_the_admin_port_is_strict_about_it()
    {
        var folder = Folder("https");
        Directory.CreateDirectory(folder);
        using var certificate = SelfSigned();
        await File.WriteAllTextAsync(Path.Combine(folder, "channels.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "channels.key"), certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllBytesAsync(Path.Combine(folder, "admin.pfx"), certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        var channelsPort = Ports.Free();
        var adminPort = Ports.Free();
        var channels = $"https://127.0.0.1:{channelsPort}";
        var admin = $"https://127.0.0.1:{adminPort}";
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Esb = new
            {
                RabbitMq = servers.RabbitMq, Postgres = servers.Postgres, Schema = servers.NewSchema(), Quiet = true,
                ChannelsUrl = channels, ChannelsCertificate = new { Path = "channels.pem", KeyPath = "channels.key" },
                // Every interface: the dashboard asks its own admin API on the loopback.
                AdminUrl = $"https://0.0.0.0:{adminPort}", AdminCertificate = new { Path = "admin.pfx" },
            },
        }));
        await using var node = EsbProcess.Start(folder, new Dictionary<string, string>
        {
            ["ESB_ADMIN_PASSWORD"] = TestNode.AdminPassword,
            ["ESB_ADMIN_CERTIFICATE_PASSWORD"] = "pfx-password",
        }, "serve");
        using var trusting = Trusting(certificate);
        await node.WaitUntilServingAsync(channels, TimeSpan.FromSeconds(60), trusting);

        using var ping = JsonDocument.Parse(await trusting.GetStringAsync(channels + "/esb/ping"));
        Assert.Equal("esb", ping.RootElement.GetProperty("pong").GetString());
        // A caller that does not trust the certificate is refused it.
        using (var doubting = new HttpClient())
            await Assert.ThrowsAsync<HttpRequestException>(() => doubting.GetAsync(channels + "/esb/ping"));

        using var api = new HttpRequestMessage(HttpMethod.Post, admin + "/admin/services/demo.hello/invoke") { Content = new StringContent("name=Tls", Encoding.UTF8, "text/plain") };
        api.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + TestNode.AdminPassword)));
        using var invoked = await trusting.SendAsync(api);
        Assert.Equal(HttpStatusCode.OK, invoked.StatusCode);
        Assert.Contains("Tls", await invoked.Content.ReadAsStringAsync());

        // HSTS for the names browsers use (not localhost's: a developer's other local sites stay on http://).
        using var named = new HttpRequestMessage(HttpMethod.Get, admin + "/health/live");
        named.Headers.Host = $"esb.test:{adminPort}";
        using var strict = await trusting.SendAsync(named);
        Assert.True(strict.Headers.Contains("Strict-Transport-Security"), strict.Headers.ToString());
        using var local = await trusting.GetAsync(admin + "/health/live");
        Assert.False(local.Headers.Contains("Strict-Transport-Security"));

        // The dashboard's session cookie is secure, and its pages come from its own admin API over https://.
        using var login = await trusting.PostAsync(admin + "/account/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = TestNode.AdminPassword }));
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("esb-session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        using var page = new HttpRequestMessage(HttpMethod.Get, admin + "/");
        page.Headers.Add("Cookie", session.Split(';')[0]);
        using var services = await trusting.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, services.StatusCode);
        Assert.Contains("demo.hello", await services.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"ChannelsUrl": "https://127.0.0.1:1"}""", "", "esb serve: --channels-url: 'https://127.0.0.1:1' is https:// and needs a certificate")]
    [InlineData("""{"ChannelsUrl": "https://127.0.0.1:1", "ChannelsCertificate": {"Path": "missing.pem"}}""", "", "esb serve: --channels-certificate: {0}missing.pem does not exist")]
    [InlineData("""{"AdminUrl": "https://127.0.0.1:1", "AdminCertificate": {"Path": "admin.pfx"}}""", "wrong", "esb serve: ESB_ADMIN_CERTIFICATE_PASSWORD: the password does not open {0}admin.pfx")]
    [InlineData("""{"AdminCertificate": {"Path": "admin.pfx", "Password": "in-the-file"}}""", "", "Esb:AdminCertificate:Password is not a setting: the password comes from ESB_ADMIN_CERTIFICATE_PASSWORD only")]
    public async Task A_certificate_that_cannot_be_served_stops_the_node_naming_its_setting(string esb, string password, string says)
    {
        var folder = Folder("bad-tls");
        Directory.CreateDirectory(folder);
        using (var certificate = SelfSigned())
            await File.WriteAllBytesAsync(Path.Combine(folder, "admin.pfx"), certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), $$"""{"Esb": {{esb}}}""");
        var environment = new Dictionary<string, string>();
        if (password.Length > 0) environment["ESB_ADMIN_CERTIFICATE_PASSWORD"] = password;
        await using var node = EsbProcess.Start(folder, environment, "serve");
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, node.ExitCode);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, says, folder + Path.DirectorySeparatorChar), node.Error);
        Assert.DoesNotContain("   at ", node.Error);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=esb.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("esb.test");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    // A client that trusts exactly that certificate, as a caller given it (or its CA) would.
    private static HttpClient Trusting(X509Certificate2 certificate) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString() },
    }) { Timeout = TimeSpan.FromSeconds(10) };

    private static string Folder(string name) => Path.Combine(Path.GetTempPath(), "esb-tests", name + "-" + Guid.NewGuid().ToString("N")[..6]);
}
