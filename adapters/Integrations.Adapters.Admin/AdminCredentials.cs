using System.Security.Cryptography;
using System.Text;
using Integrations.Bus.Node;
using Marten;
using JasperFx;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The admin user: <c>admin</c>, with the password from <c>ESB_ADMIN_PASSWORD</c>, or one generated at the
/// cluster's first start, printed once and kept (owner-only) in the data directory for the CLI.
/// </summary>
public sealed class AdminCredentials(IDocumentStore store, NodeOptions options, ILogger log) : IHostedService, IDisposable
{
    private Timer? _reload;
    /// <summary>The admin user's name.</summary>
    public const string UserName = "admin";

    /// <summary>The header carrying <see cref="InternalKey"/>.</summary>
    public const string InternalKeyHeader = Integrations.Admin.AdminApiClient.InternalKeyHeader;

    /// <summary>
    /// A random key, new in every process, with which this node's own dashboard calls its admin API: it never leaves the
    /// process, so it needs no storing and dies with the node.
    /// </summary>
    public string InternalKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether <paramref name="key"/> is this process's internal key (compared in constant time).</summary>
    public bool IsInternal(string? key) =>
        key is { Length: > 0 } && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(InternalKey)));
    private const int Iterations = 100_000;

    private readonly ILogger _log = log.ForContext("SourceContext", "admin");
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private AdminAccount? _account;
    private byte[]? _verified;

    /// <summary>Where the generated password is kept for the CLI.</summary>
    public static string PasswordFile(string dataDirectory) => Path.Combine(dataDirectory, "admin-password");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var account = await session.LoadAsync<AdminAccount>(UserName, cancellationToken).ConfigureAwait(false);
        if (options.AdminPassword is { Length: > 0 } given)
        {
            if (account is null || !Matches(account, given))
            {
                account = Hash(given);
                session.Store(account);
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                _log.Information("Admin password set from ESB_ADMIN_PASSWORD");
            }
        }
        else if (account is null)
        {
            // A new cluster started from a folder that already keeps a password (another schema, say) takes that
            // password: the file is never replaced, and the CLI run from here works with both clusters.
            var kept = ReadPasswordFile();
            var password = kept ?? Generate();
            account = Hash(password);
            session.Insert(account);
            try
            {
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                if (kept is null) Remember(password);
                else Console.WriteLine($"""

                    Admin login for the dashboard and the CLI: user {UserName}, the password kept in {Path.GetFullPath(PasswordFile(options.DataDirectory))}.

                    """);
            }
            catch (DocumentAlreadyExistsException)
            {
                // Another node started first and made the password; use its account.
                await using var again = store.QuerySession();
                account = await again.LoadAsync<AdminAccount>(UserName, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (ReadPasswordFile() is { } kept && !Matches(account, kept))
        {
            var file = Path.GetFullPath(PasswordFile(options.DataDirectory));
            _log.Warning("The admin password kept in {File} is not the admin password of this cluster (schema {Schema}): the CLI run with it will be refused. " +
                         "Give the CLI this cluster's password with ESB_ADMIN_PASSWORD, or start this node with ESB_ADMIN_PASSWORD set to the one in the file to make it this cluster's", file, options.Schema);
        }
        _account = account;
        // A password changed on another node reaches this one within a minute.
        _reload = new Timer(_ => _ = ReloadAsync(), null, options.ConfigResync, options.ConfigResync);
    }

    private async Task ReloadAsync()
    {
        try
        {
            await using var session = store.QuerySession();
            if (await session.LoadAsync<AdminAccount>(UserName).ConfigureAwait(false) is { } account
                && !CryptographicOperations.FixedTimeEquals(account.Hash, _account?.Hash ?? []))
            {
                _account = account;
                _verified = null;
                _log.Information("Admin password changed elsewhere in the cluster; this node now uses the new one");
            }
        }
        catch (Exception e)
        {
            _log.Warning(e, "Could not re-read the admin account; keeping the one this node has");
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _reload?.Dispose();

    /// <summary>Checks a user name and password in constant time; a wrong user and a wrong password look the same.</summary>
    public bool Verify(string user, string password)
    {
        var account = _account;
        if (account is null) return false;
        var userOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(UserName));
        // PBKDF2 is slow on purpose; a password that passed once is recognised again by a keyed hash.
        var presented = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(password));
        var cached = _verified;
        if (cached is not null && CryptographicOperations.FixedTimeEquals(presented, cached)) return userOk;
        if (!Matches(account, password)) return false;
        _verified = presented;
        return userOk;
    }

    private string? ReadPasswordFile()
    {
        var file = PasswordFile(options.DataDirectory);
        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } password ? password : null;
    }

    private void Remember(string generated)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var file = PasswordFile(options.DataDirectory);
        // CreateNew: a password file is never replaced (an empty one left by an interrupted start is the exception).
        if (File.Exists(file) && new FileInfo(file).Length == 0) File.Delete(file);
        using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(Encoding.UTF8.GetBytes(generated + "\n"));
        }
        // Printed once, to the console only: the log never carries a secret.
        Console.WriteLine($"""

            Admin login for the dashboard and the CLI (shown once; kept in {Path.GetFullPath(file)}, owner-only):
              user:     {UserName}
              password: {generated}
            Set ESB_ADMIN_PASSWORD before starting a node to choose your own.

            """);
    }

    private static bool Matches(AdminAccount account, string password) =>
        account.Hash.Length > 0 && CryptographicOperations.FixedTimeEquals(
            Rfc2898DeriveBytes.Pbkdf2(password, account.Salt, account.Iterations, HashAlgorithmName.SHA256, account.Hash.Length), account.Hash);

    private static AdminAccount Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new AdminAccount
        {
            Salt = salt,
            Iterations = Iterations,
            Hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32),
            ChangedAt = DateTimeOffset.UtcNow,
        };
    }

    private static string Generate() => RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}
