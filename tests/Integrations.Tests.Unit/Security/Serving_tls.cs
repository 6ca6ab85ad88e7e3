using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Integrations.Bus.Node;

namespace Integrations.Tests.Unit.Security;

/// <summary>
/// A port's TLS certificate from its settings: PEM with its key beside it or in the same file, an encrypted key, a
/// .pfx; what is missing or wrong is said naming the setting.
/// </summary>
public sealed class Serving_tls
{
    // Made once for every test: a key takes a while to make, an encrypted one to open.
    private static readonly string _folder = Path.Combine(Path.GetTempPath(), "esb-unit", "tls-" + Guid.NewGuid().ToString("N")[..6]);
    private static readonly X509Certificate2 _made;

    static Serving_tls()
    {
        Directory.CreateDirectory(_folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=esb.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(At("cert.pem"), _made.ExportCertificatePem());
        File.WriteAllText(At("key.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(At("both.pem"), _made.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(At("encrypted.pem"), key.ExportEncryptedPkcs8PrivateKeyPem("s3cret",
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        File.WriteAllBytes(At("cert.pfx"), _made.Export(X509ContentType.Pkcs12, "s3cret"));
    }

    [Theory]
    [InlineData("cert.pem", "key.pem", null)]
    [InlineData("both.pem", null, null)]
    [InlineData("cert.pem", "encrypted.pem", "s3cret")]
    [InlineData("cert.pfx", null, "s3cret")]
    public void A_certificate_and_its_key_are_read_as_pem_or_pkcs12(string path, string? key, string? password)
    {
        using var certificate = new NodeCertificate(At(path), key is null ? null : At(key), password).Load("channels");
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(_made.Thumbprint, certificate.Thumbprint);
    }

    [Theory]
    [InlineData("missing.pem", null, null, "--channels-certificate: {0}missing.pem does not exist")]
    [InlineData("cert.pem", "missing.pem", null, "--channels-certificate-key: {0}missing.pem does not exist")]
    [InlineData("cert.pem", null, null, "--channels-certificate: {0}cert.pem has no private key; give it with --channels-certificate-key, or a .pfx that holds both")]
    [InlineData("cert.pem", "cert.pem", null, "--channels-certificate-key: {0}cert.pem is not a PEM private key")]
    [InlineData("cert.pem", "encrypted.pem", null, "ESB_CHANNELS_CERTIFICATE_PASSWORD: the key in {0}encrypted.pem is encrypted")]
    [InlineData("cert.pem", "encrypted.pem", "wrong", "ESB_CHANNELS_CERTIFICATE_PASSWORD: the password does not open the key in {0}encrypted.pem")]
    [InlineData("cert.pfx", null, "wrong", "ESB_CHANNELS_CERTIFICATE_PASSWORD: the password does not open {0}cert.pfx")]
    [InlineData("cert.pfx", null, null, "ESB_CHANNELS_CERTIFICATE_PASSWORD: {0}cert.pfx needs a password")]
    [InlineData("cert.pfx", "key.pem", "s3cret", "--channels-certificate-key: {0}cert.pfx is a PKCS#12 file, which holds its own key")]
    [InlineData("", "key.pem", null, "--channels-certificate: a certificate file is required")]
    public void What_is_wrong_with_a_certificate_is_said_naming_its_setting(string path, string? key, string? password, string says)
    {
        var refused = Assert.Throws<ArgumentException>(() =>
            new NodeCertificate(path.Length == 0 ? "" : At(path), key is null ? null : At(key), password).Load("channels"));
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, says, _folder + Path.DirectorySeparatorChar), refused.Message);
    }

    [Fact]
    public void The_password_is_never_in_what_a_certificate_setting_prints()
    {
        var setting = new NodeCertificate(At("cert.pfx"), null, "s3cret");
        Assert.DoesNotContain("s3cret", setting.ToString());
    }

    [Fact]
    public void An_https_port_needs_a_certificate_and_a_certificate_an_https_port()
    {
        var https = new NodeOptions { ChannelsUrl = "https://127.0.0.1:17443" };
        Assert.Equal("--channels-url: 'https://127.0.0.1:17443' is https:// and needs a certificate: --channels-certificate (a PEM file, its key in --channels-certificate-key, or a .pfx)",
            Assert.Throws<ArgumentException>(https.Validate).Message);
        var http = new NodeOptions { AdminCertificate = new NodeCertificate(At("cert.pfx")) };
        Assert.Equal("--admin-certificate: given, but --admin-url 'http://127.0.0.1:8183' is not https://; serve https:// or give no certificate",
            Assert.Throws<ArgumentException>(http.Validate).Message);
        // A port the node's roles do not serve needs nothing.
        new NodeOptions { Roles = NodeRoles.Worker, ChannelsUrl = "https://127.0.0.1:17443", AdminUrl = "https://127.0.0.1:8443" }.Validate();
        new NodeOptions { ChannelsUrl = "https://127.0.0.1:17443", ChannelsCertificate = new NodeCertificate(At("cert.pfx"), null, "s3cret") }.Validate();
    }

    [Fact]
    public void A_node_reads_the_certificates_of_the_https_ports_it_serves()
    {
        var options = new NodeOptions
        {
            ChannelsUrl = "https://127.0.0.1:17443",
            ChannelsCertificate = new NodeCertificate(At("cert.pem"), At("key.pem")),
            AdminUrl = "https://127.0.0.1:8443",
            AdminCertificate = new NodeCertificate(At("cert.pfx"), null, "s3cret"),
        };
        using (var tls = NodeTls.Load(options))
        {
            Assert.Equal(_made.Thumbprint, tls.Channels?.Thumbprint);
            Assert.Equal(_made.Thumbprint, tls.Admin?.Thumbprint);
        }
        options.Roles = NodeRoles.Edge | NodeRoles.Worker;
        using (var edge = NodeTls.Load(options)) Assert.Null(edge.Admin);
    }

    private static string At(string name) => Path.Combine(_folder, name);
}
