using System.Security.Cryptography;
using Integrations.Bus.Edge;
using Integrations.Bus.Node;
using Integrations.Bus.Security;

namespace Integrations.Tests.Unit.Security;

public sealed class Sealing_secrets : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "esb-unit-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_sealed_secret_opens_only_for_its_owner()
    {
        var box = new SecretBox(new NodeOptions { DataDirectory = _folder });
        var sealedSecret = box.Seal("abc", "security/My API Key");
        Assert.DoesNotContain("abc", sealedSecret);
        Assert.Equal("abc", box.Open(sealedSecret, "security/My API Key"));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(sealedSecret, "security/Another"));
    }

    [Fact]
    public void The_first_start_creates_an_owner_only_key_file_and_later_starts_reuse_it()
    {
        var first = new SecretBox(new NodeOptions { DataDirectory = _folder });
        var file = SecretBox.KeyFile(_folder);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var second = new SecretBox(new NodeOptions { DataDirectory = _folder });
        Assert.Equal(first.KeyCheck, second.KeyCheck);
        Assert.Equal("x", second.Open(first.Seal("x", "o"), "o"));
    }

    [Fact]
    public void Another_key_cannot_open_it()
    {
        var ours = new SecretBox(new NodeOptions { SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        var theirs = new SecretBox(new NodeOptions { SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        Assert.NotEqual(ours.KeyCheck, theirs.KeyCheck);
        Assert.ThrowsAny<CryptographicException>(() => theirs.Open(ours.Seal("x", "o"), "o"));
    }

    [Fact]
    public void A_key_of_the_wrong_size_is_refused_with_what_to_do() =>
        Assert.Contains("32 bytes in base64", Assert.Throws<ArgumentException>(() => new SecretBox(new NodeOptions { SecretKey = "c2hvcnQ=" })).Message);

    [Theory]
    [InlineData("100/m", 100, 60)]
    [InlineData("5/s", 5, 1)]
    [InlineData("1000/d", 1000, 86400)]
    public void Rates_read_as_calls_per_unit(string text, int permits, int seconds)
    {
        Assert.True(RateLimit.TryParse(text, out var rate, out _));
        Assert.Equal(new RateLimit(permits, TimeSpan.FromSeconds(seconds)), rate);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("0/m")]
    [InlineData("ten/m")]
    [InlineData("5/w")]
    public void Other_rates_are_refused_with_an_example(string text)
    {
        Assert.False(RateLimit.TryParse(text, out _, out var error));
        Assert.EndsWith("e.g. 100/m", error);
    }
}
