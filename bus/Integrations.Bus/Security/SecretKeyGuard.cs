using Integrations.Bus.Node;
using Marten;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Integrations.Bus.Security;

/// <summary>
/// Refuses to start a node whose secret key is not the cluster's: it could read no secret and would write
/// secrets no other node can read. It runs before anything else of the node starts.
/// </summary>
public sealed class SecretKeyGuard(IDocumentStore store, SecretBox box, NodeOptions options) : IHostedService
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
        if (record?.Check != box.KeyCheck) throw new NodeStartRefusedException(Mismatch());
    }

    // Two checkouts on one machine share the default schema, each with a key of its own: say which choice there is.
    private string Mismatch()
    {
        var database = new NpgsqlConnectionStringBuilder(options.Postgres);
        var origin = box.Origin == "ESB_SECRET_KEY" ? "ESB_SECRET_KEY" : Path.GetFullPath(box.Origin);
        return $"""
            schema '{options.Schema}' of database '{database.Database}' on {database.Host}:{database.Port} belongs to a cluster whose secrets are encrypted with another key than this node's (from {origin}).
              To run a cluster of its own, give this node another schema: ESB_SCHEMA=myname ./run.sh (or esb serve --schema myname).
              To join that cluster, give this node its key: set ESB_SECRET_KEY to the content of .esb/secret.key of one of its nodes.
            """;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
