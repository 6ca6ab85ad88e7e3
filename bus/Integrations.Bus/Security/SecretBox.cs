using System.Security.Cryptography;
using System.Text;
using Integrations.Bus.Node;

namespace Integrations.Bus.Security;

/// <summary>
/// Encrypts secrets at rest with the cluster's secret key (AES-256-GCM). The key comes from <c>ESB_SECRET_KEY</c>
/// (base64, 32 bytes), else from the data directory's <c>secret.key</c>, which the first start creates, owner-only.
/// Every node of a cluster needs the same key.
/// </summary>
public sealed class SecretBox
{
    private const string Version = "v1";
    private readonly byte[] _key;

    /// <summary>Loads or creates the key.</summary>
    public SecretBox(NodeOptions options)
    {
        (_key, Origin) = LoadKey(options);
    }

    /// <summary>Where the key came from, for messages.</summary>
    public string Origin { get; }

    /// <summary>A value that tells whether two nodes hold the same key, without revealing it.</summary>
    public string KeyCheck => Convert.ToBase64String(HMACSHA256.HashData(_key, "esb secret key check"u8));

    /// <summary>The file a node keeps its generated key in.</summary>
    public static string KeyFile(string dataDirectory) => Path.Combine(dataDirectory, "secret.key");

    /// <summary>Encrypts <paramref name="secret"/>, bound to <paramref name="owner"/> (kind and name) so ciphertexts cannot be swapped between objects.</summary>
    public string Seal(string secret, string owner)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(owner));
        return $"{Version}:{Convert.ToBase64String([.. nonce, .. tag, .. cipher])}";
    }

    /// <summary>Decrypts what <see cref="Seal"/> made for the same owner.</summary>
    /// <exception cref="CryptographicException">Wrong key, wrong owner, or tampered with.</exception>
    public string Open(string sealedSecret, string owner)
    {
        if (!sealedSecret.StartsWith(Version + ":", StringComparison.Ordinal))
            throw new CryptographicException("not a sealed secret");
        var bytes = Convert.FromBase64String(sealedSecret[(Version.Length + 1)..]);
        var plain = new byte[bytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes(owner));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>A new random secret: 24 URL-safe characters.</summary>
    public static string NewSecret() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 24);

    private static (byte[] Key, string Origin) LoadKey(NodeOptions options)
    {
        if (options.SecretKey is { Length: > 0 } given) return (Decode(given, "ESB_SECRET_KEY"), "ESB_SECRET_KEY");
        var file = KeyFile(options.DataDirectory);
        if (File.Exists(file)) return (Decode(File.ReadAllText(file).Trim(), file), file);
        Directory.CreateDirectory(options.DataDirectory);
        var key = RandomNumberGenerator.GetBytes(32);
        using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        }
        return (key, file);
    }

    private static byte[] Decode(string base64, string origin)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            if (key.Length == 32) return key;
        }
        catch (FormatException)
        {
        }
        throw new ArgumentException($"{origin}: the secret key must be 32 bytes in base64 (e.g. from: openssl rand -base64 32)");
    }
}
