using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Integrations.Bus.Node;

/// <summary>
/// The TLS certificate of one of a node's ports (<see cref="NodeOptions.ChannelsCertificate"/>,
/// <see cref="NodeOptions.AdminCertificate"/>), served when that port's address is <c>https://</c>: a PEM certificate
/// with its key in <see cref="KeyPath"/> or in the same file, or a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) holding both.
/// <see cref="Password"/> opens the PKCS#12 file or an encrypted PEM key.
/// </summary>
/// <param name="path">The certificate: PEM (<c>-----BEGIN CERTIFICATE-----</c>) or PKCS#12.</param>
/// <param name="keyPath">The PEM private key, when it is not in <paramref name="path"/>.</param>
/// <param name="password">The PKCS#12 file's or the encrypted key's password.</param>
public sealed class NodeCertificate(string path, string? keyPath = null, string? password = null)
{
    /// <summary>The certificate file.</summary>
    public string Path { get; } = path;

    /// <summary>The PEM private key file, when the key is not in <see cref="Path"/>.</summary>
    public string? KeyPath { get; } = keyPath;

    /// <summary>The password of the PKCS#12 file or of the encrypted key; never written anywhere.</summary>
    public string? Password { get; } = password;

    /// <summary>The files, never the password.</summary>
    public override string ToString() => KeyPath is null ? Path : $"{Path} (key {KeyPath})";

    /// <summary>
    /// Reads the certificate and its key. <paramref name="port"/> is <c>channels</c> or <c>admin</c>, for the names of
    /// the settings a message says are wrong (<c>--channels-certificate</c>, <c>ESB_CHANNELS_CERTIFICATE_PASSWORD</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A file is missing, is not what it should be, or the password does not open it.</exception>
    public X509Certificate2 Load(string port)
    {
        var option = $"--{port}-certificate";
        var keyOption = $"--{port}-certificate-key";
        var passwordVariable = $"ESB_{port.ToUpperInvariant()}_CERTIFICATE_PASSWORD";
        if (string.IsNullOrWhiteSpace(Path)) throw new ArgumentException($"{option}: a certificate file is required (with {keyOption}, or a .pfx)");
        var path = System.IO.Path.GetFullPath(Path);
        if (!File.Exists(path)) throw new ArgumentException($"{option}: {path} does not exist");
        var keyPath = KeyPath is { Length: > 0 } key ? System.IO.Path.GetFullPath(key) : null;
        if (keyPath is not null && !File.Exists(keyPath)) throw new ArgumentException($"{keyOption}: {keyPath} does not exist");
        var password = Password is { Length: > 0 } given ? given : null;

        X509Certificate2 certificate;
        var bytes = File.ReadAllBytes(path);
        if (IsPem(bytes))
        {
            var keyText = keyPath is null ? System.Text.Encoding.ASCII.GetString(bytes) : File.ReadAllText(keyPath);
            var where = keyPath ?? path;
            if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                throw new ArgumentException(keyPath is null
                    ? $"{option}: {path} has no private key; give it with {keyOption}, or a .pfx that holds both"
                    : $"{keyOption}: {keyPath} is not a PEM private key");
            var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
            if (encrypted && password is null)
                throw new ArgumentException($"{passwordVariable}: the key in {where} is encrypted; give its password in {passwordVariable}");
            try
            {
                certificate = encrypted
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                    : X509Certificate2.CreateFromPemFile(path, keyPath);
            }
            catch (CryptographicException e) when (encrypted)
            {
                throw new ArgumentException($"{passwordVariable}: the password does not open the key in {where} ({e.Message})", e);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new ArgumentException($"{option}: {path} with the key in {where} is not a certificate and its key ({e.Message})", e);
            }
            // Windows' TLS wants a key it keeps, not one only in memory.
            if (OperatingSystem.IsWindows())
            {
                using var inMemory = certificate;
                certificate = X509CertificateLoader.LoadPkcs12(inMemory.Export(X509ContentType.Pkcs12), null);
            }
        }
        else
        {
            if (keyPath is not null) throw new ArgumentException($"{keyOption}: {path} is a PKCS#12 file, which holds its own key; give no key file");
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12(bytes, password);
            }
            catch (CryptographicException e) when (IsWrongPassword(e))
            {
                throw new ArgumentException(password is null
                    ? $"{passwordVariable}: {path} needs a password; give it in {passwordVariable}"
                    : $"{passwordVariable}: the password does not open {path}", e);
            }
            catch (CryptographicException e)
            {
                throw new ArgumentException($"{option}: {path} is neither a PEM certificate nor a PKCS#12 (.pfx) file ({e.Message})", e);
            }
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"{option}: {path} holds no private key");
        }
        return certificate;
    }

    private static bool IsPem(byte[] bytes)
    {
        var start = System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        return start.Contains("-----BEGIN", StringComparison.Ordinal);
    }

    // What .NET says on every system when a PKCS#12 file's MAC does not check out: the password is not its own.
    private static bool IsWrongPassword(CryptographicException e) =>
        e.Message.Contains("password", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The certificates a node serves, read once at start: one for each of its ports that is <c>https://</c> and that its roles serve.</summary>
public sealed class NodeTls : IDisposable
{
    private NodeTls(X509Certificate2? channels, X509Certificate2? admin)
    {
        Channels = channels;
        Admin = admin;
    }

    /// <summary>The channel port's certificate; null when that port is not https:// or not served.</summary>
    public X509Certificate2? Channels { get; }

    /// <summary>The admin port's certificate; null when that port is not https:// or not served.</summary>
    public X509Certificate2? Admin { get; }

    /// <summary>Reads the certificates <paramref name="options"/> name (validated: an https:// port has one).</summary>
    /// <exception cref="ArgumentException">A certificate cannot be read: the message names the setting.</exception>
    public static NodeTls Load(NodeOptions options)
    {
        var channels = options.Roles.HasFlag(NodeRoles.Edge) && IsHttps(options.ChannelsUrl) ? options.ChannelsCertificate?.Load("channels") : null;
        try
        {
            var admin = options.Roles.HasFlag(NodeRoles.Dashboard) && IsHttps(options.AdminUrl) ? options.AdminCertificate?.Load("admin") : null;
            return new NodeTls(channels, admin);
        }
        catch
        {
            channels?.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="url"/> is an https:// address.</summary>
    public static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void Dispose()
    {
        Channels?.Dispose();
        Admin?.Dispose();
    }
}
