using Marten;
using Microsoft.Extensions.Hosting;

namespace Integrations.Bus.Security;

/// <summary>The cluster's record of which secret key it uses (a check value, not the key).</summary>
public sealed record SecretKeyRecord
{
    /// <summary>Always <c>secret-key</c>.</summary>
    public string Id { get; init; } = "secret-key";
    /// <summary>See <see cref="SecretBox.KeyCheck"/>.</summary>
    public string Check { get; init; } = "";
}

/// <summary>
/// Refuses to start a node whose secret key is not the cluster's: it could read no secret and would write
/// secrets no other node can read.
/// </summary>
public sealed class SecretKeyGuard(IDocumentStore store, SecretBox box) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<SecretKeyRecord>("secret-key", cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            session.Insert(new SecretKeyRecord { Check = box.KeyCheck });
            try
            {
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                // Another node started at the same moment and recorded its key first: compare with that one.
                await using var again = store.QuerySession();
                record = await again.LoadAsync<SecretKeyRecord>("secret-key", cancellationToken).ConfigureAwait(false);
            }
        }
        if (record?.Check != box.KeyCheck)
            throw new InvalidOperationException(
                $"this node's secret key (from {box.Origin}) is not the one the cluster's secrets are encrypted with. " +
                "Give every node the same key: set ESB_SECRET_KEY to the content of the first node's .esb/secret.key.");
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
