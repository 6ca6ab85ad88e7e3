using System.Text;
using Integrations.Bus.Backbone;
using Integrations.Bus.Node;
using Marten;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using Serilog;

namespace Integrations.Bus.Failed;

/// <summary>Which failed messages an operator asks about: all of them that match every filter given.</summary>
/// <param name="State"><c>failed</c> (the default), <c>retried</c>, <c>archived</c>, or null for any.</param>
/// <param name="Text">Text the body holds (case ignored).</param>
public sealed record FailedQuery(string? State = FailedMessage.Failed, string? Service = null, string? Channel = null, string? Cid = null, string? Text = null,
    string? Group = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 50, int Offset = 0);

/// <summary>Failed messages an action is for: those named by id, every failed one of a group, or every failed one.</summary>
public sealed record FailedSelection(IReadOnlyList<string>? Ids = null, string? Group = null, bool All = false);

/// <summary>Failed messages of one service (or channel) with one cause.</summary>
public sealed record FailedGroup(string Group, string Kind, string Channel, string? Service, string Cause, string Error, int Count,
    DateTimeOffset FirstFailed, DateTimeOffset LastFailed);

/// <summary>What an action did: the ids it did it to, and those it could not, with why.</summary>
public sealed record FailedOutcome(IReadOnlyList<string> Done, IReadOnlyDictionary<string, string> Refused);

/// <summary>
/// The failed-message store: every message the platform gave up on — AMQP and MQ channels after their retries,
/// pub/sub deliveries, calls nobody waited for (<c>InvokeAsync</c>, the scheduler's runs) — kept in PostgreSQL with
/// why it failed, grouped by cause, to be looked at, sent back where it failed (as it was, or edited), archived or
/// deleted. Archived and retried messages are deleted after <see cref="NodeOptions.FailedRetention"/>.
/// </summary>
public sealed class FailedMessages(IDocumentStore store, DeadLetterPlaces places, RabbitBackbone backbone, Telemetry.Hops hops, NodeOptions options, ILogger log) : BackgroundService
{
    private readonly ILogger _log = log.ForContext("SourceContext", "failed");
    private const int Batch = 500;

    /// <summary>
    /// Keeps a message given up on at <paramref name="place"/>, as its dead-letter copy came
    /// (<see cref="Wire.DeadLetterCopy"/>): a new record, or — sent back before and failed again — its record again.
    /// The same copy recorded twice changes nothing.
    /// </summary>
    public async Task<FailedMessage> RecordAsync(DeadLetterPlace place, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var headers = HeadersOf(properties);
        var id = headers.GetValueOrDefault(Wire.FailedId) is { Length: > 0 and <= 64 } given ? given : Guid.NewGuid().ToString("N");
        var status = int.TryParse(headers.GetValueOrDefault(Wire.Status), out var s) ? s : 500;
        var error = headers.GetValueOrDefault(Wire.Error) ?? "failed";
        var exception = headers.GetValueOrDefault(Wire.Exception);
        var failedAt = DateTimeOffset.TryParse(headers.GetValueOrDefault(Wire.FailedAt), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UtcNow;
        var attempts = int.TryParse(headers.GetValueOrDefault(Wire.Attempts), out var a) ? a : 1;
        var node = headers.GetValueOrDefault(Wire.Node);
        var cause = FailedCause.Of(status, error, exception);

        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<FailedMessage>(id, cancellation).ConfigureAwait(false);
        if (record is not null && record.LastFailed == failedAt) return record; // this copy, recorded before its acknowledgement was lost
        if (record is null)
        {
            record = new FailedMessage
            {
                Id = id, Kind = place.Kind, Channel = place.Name, Service = place.Service, Connection = place.Connection, Queue = place.SourceQueue,
                DeadLetterQueue = place.DeadLetterQueue, Body = body.ToArray(), Text = TextOf(body.Span), Headers = headers, FirstFailed = failedAt,
            };
            record.History.Add(new FailedEvent(failedAt, "failed", $"{status}: {error}", node));
        }
        else
        {
            record.State = FailedMessage.Failed;
            record.History.Add(new FailedEvent(failedAt, "failed again", $"{status}: {error}", node));
        }
        record.Cid = headers.GetValueOrDefault(Wire.Cid) ?? record.Cid;
        record.Node = node;
        record.Status = status;
        record.Error = error;
        record.Exception = exception;
        record.Frame = headers.GetValueOrDefault(Wire.Frame);
        record.Cause = cause;
        record.Group = FailedCause.GroupOf(place.Service ?? place.Key, cause);
        record.Attempts += attempts;
        record.LastFailed = failedAt;
        record.Changed = DateTimeOffset.UtcNow;
        session.Store(record);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        hops.Note("failed", place.Kind, place.Name, record.Cid, status, error, $"kept as failed message {id}");
        return record;
    }

    /// <summary>The failed messages that match <paramref name="query"/>, last failed first, and how many match in all.</summary>
    public async Task<(IReadOnlyList<FailedMessage> Messages, int Total)> FindAsync(FailedQuery query, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var matching = Filter(session.Query<FailedMessage>(), query);
        var total = await matching.CountAsync(cancellation).ConfigureAwait(false);
        var page = await matching.OrderByDescending(m => m.LastFailed).Skip(query.Offset).Take(query.Limit).ToListAsync(cancellation).ConfigureAwait(false);
        return (page, total);
    }

    private static IQueryable<FailedMessage> Filter(IQueryable<FailedMessage> messages, FailedQuery query)
    {
        if (query.State is { } state) messages = messages.Where(m => m.State == state);
        if (query.Service is { } service) messages = messages.Where(m => m.Service == service);
        if (query.Channel is { } channel) messages = messages.Where(m => m.Channel == channel);
        if (query.Cid is { } cid) messages = messages.Where(m => m.Cid == cid);
        if (query.Group is { } group) messages = messages.Where(m => m.Group == group);
        if (query.Since is { } since) messages = messages.Where(m => m.LastFailed >= since);
        if (query.Until is { } until) messages = messages.Where(m => m.LastFailed <= until);
        if (query.Text is { Length: > 0 } text) messages = messages.Where(m => m.Text != null && m.Text.Contains(text, StringComparison.OrdinalIgnoreCase));
        return messages;
    }

    /// <summary>The groups of the messages in <paramref name="state"/> (failed, unless said), the largest first.</summary>
    public async Task<IReadOnlyList<FailedGroup>> GroupsAsync(string? state, CancellationToken cancellation)
    {
        var wanted = state ?? FailedMessage.Failed;
        await using var session = store.QuerySession();
        var rows = await session.Query<FailedMessage>().Where(m => m.State == wanted)
            .Select(m => new GroupRow(m.Group, m.Kind, m.Channel, m.Service, m.Cause, m.Error, m.FirstFailed, m.LastFailed))
            .ToListAsync(cancellation).ConfigureAwait(false);
        return rows.GroupBy(r => r.Group, StringComparer.Ordinal)
            .Select(g =>
            {
                var last = g.MaxBy(r => r.LastFailed)!;
                return new FailedGroup(g.Key, last.Kind, last.Channel, last.Service, last.Cause, last.Error, g.Count(), g.Min(r => r.FirstFailed), last.LastFailed);
            })
            .OrderByDescending(g => g.Count).ThenByDescending(g => g.LastFailed).ToList();
    }

    private sealed record GroupRow(string Group, string Kind, string Channel, string? Service, string Cause, string Error, DateTimeOffset FirstFailed, DateTimeOffset LastFailed);

    /// <summary>One failed message, or null.</summary>
    public async Task<FailedMessage?> GetAsync(string id, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<FailedMessage>(id, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the selected messages back where they failed — the queue they came from, on its broker, persistent and
    /// confirmed — under their cid and their record's id (so one that fails again comes back to its record), the
    /// edited body and headers when an operator edited them; each is then <c>retried</c>, with who did it in its history.
    /// </summary>
    /// <remarks>
    /// Each is marked before it is sent: one that fails again at once is recorded over the mark, never under it. A
    /// message changed meanwhile (failed again, archived) is refused, to be retried again by whoever asks.
    /// </remarks>
    public async Task<FailedOutcome> RetryAsync(FailedSelection selection, string by, CancellationToken cancellation)
    {
        var done = new List<string>();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = places.All();
        await foreach (var batch in SelectAsync(selection, refused, cancellation).ConfigureAwait(false))
            foreach (var id in batch)
            {
                if (await RetryOneAsync(id, known, by, cancellation).ConfigureAwait(false) is { } why) refused[id] = why;
                else done.Add(id);
            }
        if (done.Count > 0) _log.Information("Retried {Count} failed message(s), by {User}", done.Count, by);
        return new FailedOutcome(done, refused);
    }

    // Null when sent; else why not.
    private async Task<string?> RetryOneAsync(string id, IReadOnlyDictionary<string, DeadLetterPlace> known, string by, CancellationToken cancellation)
    {
        FailedMessage message;
        await using (var session = store.LightweightSession())
        {
            if (await session.LoadAsync<FailedMessage>(id, cancellation).ConfigureAwait(false) is not { } loaded) return "there is no failed message with this id";
            message = loaded;
            if (message.State == FailedMessage.Archived) return "it is archived; only failed and retried messages are sent again";
            if (PlaceOf(message, known) is null)
                return $"{message.Kind} {message.Channel} no longer exists; create it again to retry its messages, or delete them";
            message.State = FailedMessage.Retried;
            message.Changed = DateTimeOffset.UtcNow;
            message.History.Add(new FailedEvent(message.Changed, "retried", $"sent to {message.Queue}{(message.Connection is null ? "" : " on " + message.Connection)}"
                + (message.Edited is null ? "" : ", as edited"), by));
            session.Store(message);
            try
            {
                await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
            }
            catch (JasperFx.ConcurrencyException)
            {
                return "it changed while it was being retried (it failed again, or someone else acted on it); look at it again";
            }
        }
        var (properties, body) = Resend(message);
        // Kept as of the sending: what it started on a node (another run, another failure) comes after it in the trace.
        var sent = DateTimeOffset.UtcNow;
        try
        {
            await PlaceOf(message, known)!.PublishConfirmedAsync(message.Queue, properties, body, cancellation).ConfigureAwait(false);
            hops.Note("retry", message.Kind, message.Channel, message.Cid, 202, null, $"failed message {id} sent to {message.Queue} by {by}", sent);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var why = $"could not be sent to {message.Queue}: {Consuming.AmqpErrors.Explain(e)}";
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<FailedMessage>(id, CancellationToken.None).ConfigureAwait(false) is { State: FailedMessage.Retried } back)
            {
                back.State = FailedMessage.Failed;
                back.Changed = DateTimeOffset.UtcNow;
                back.History.Add(new FailedEvent(back.Changed, "not retried", why, by));
                session.Store(back);
                await session.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            }
            return why;
        }
    }

    /// <summary>
    /// Changes what a retry of <paramref name="id"/> sends: its body, its headers (a null value removes one), or both;
    /// the message as it came is kept beside. Null when there is no such message.
    /// </summary>
    public async Task<FailedMessage?> EditAsync(string id, byte[]? body, IReadOnlyDictionary<string, string?>? headers, string by, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<FailedMessage>(id, cancellation).ConfigureAwait(false) is not { } message) return null;
        var newBody = body ?? message.Edited?.Body ?? message.Body;
        var newHeaders = new Dictionary<string, string>(message.Edited?.Headers ?? message.Headers, StringComparer.Ordinal);
        var changed = new List<string>();
        if (body is not null) changed.Add("the body");
        foreach (var (key, value) in headers ?? new Dictionary<string, string?>())
        {
            if (value is null) newHeaders.Remove(key);
            else newHeaders[key] = value;
            changed.Add("header " + key);
        }
        message.Changed = DateTimeOffset.UtcNow;
        message.Edited = new FailedEdit(newBody, TextOf(newBody), newHeaders, message.Changed, by);
        message.History.Add(new FailedEvent(message.Changed, "edited", string.Join(", ", changed), by));
        session.Store(message);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        return message;
    }

    /// <summary>Archives the selected messages: kept for <see cref="NodeOptions.FailedRetention"/>, out of the failed ones and their groups.</summary>
    public async Task<FailedOutcome> ArchiveAsync(FailedSelection selection, string by, CancellationToken cancellation)
    {
        var done = new List<string>();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var batch in SelectAsync(selection, refused, cancellation).ConfigureAwait(false))
            for (var attempt = 1; ; attempt++)
            {
                // Loaded where it is stored: one that fails again meanwhile is not archived over.
                await using var session = store.LightweightSession();
                var archived = new List<string>();
                foreach (var message in await session.LoadManyAsync<FailedMessage>(cancellation, batch).ConfigureAwait(false))
                {
                    if (message.State == FailedMessage.Archived) continue;
                    message.State = FailedMessage.Archived;
                    message.Changed = DateTimeOffset.UtcNow;
                    message.History.Add(new FailedEvent(message.Changed, "archived", $"deleted after {options.FailedRetention.TotalDays:0.#} days", by));
                    session.Store(message);
                    archived.Add(message.Id);
                }
                try
                {
                    await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
                    done.AddRange(archived);
                    break;
                }
                catch (JasperFx.ConcurrencyException) when (attempt < 3)
                {
                    // One of them changed meanwhile: load them again.
                }
            }
        return new FailedOutcome(done, refused);
    }

    /// <summary>Deletes the selected messages for good.</summary>
    public async Task<FailedOutcome> DeleteAsync(FailedSelection selection, string by, CancellationToken cancellation)
    {
        var done = new List<string>();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var batch in SelectAsync(selection, refused, cancellation).ConfigureAwait(false))
        {
            await using var session = store.LightweightSession();
            foreach (var id in batch) session.Delete<FailedMessage>(id);
            await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
            done.AddRange(batch);
        }
        if (done.Count > 0) _log.Information("Deleted {Count} failed message(s), by {User}", done.Count, by);
        return new FailedOutcome(done, refused);
    }

    // The ids of the selected messages, a batch at a time; ids that name none are refused as such.
    private async IAsyncEnumerable<IReadOnlyList<string>> SelectAsync(FailedSelection selection, Dictionary<string, string> refused,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        if (selection.Ids is { } ids)
        {
            foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(Batch))
            {
                IReadOnlyList<string> found;
                await using (var session = store.QuerySession())
                    found = await session.Query<FailedMessage>().Where(m => chunk.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellation).ConfigureAwait(false);
                foreach (var id in chunk.Except(found, StringComparer.Ordinal)) refused[id] = "there is no failed message with this id";
                yield return found;
            }
            yield break;
        }
        // Every failed one (of the group): by id, in order, so a message changed by the batch before is not met again.
        var after = "";
        while (true)
        {
            IReadOnlyList<string> batch;
            await using (var session = store.QuerySession())
            {
                var query = session.Query<FailedMessage>().Where(m => m.State == FailedMessage.Failed && string.Compare(m.Id, after) > 0);
                if (selection.Group is { } group) query = query.Where(m => m.Group == group);
                batch = await query.OrderBy(m => m.Id).Select(m => m.Id).Take(Batch).ToListAsync(cancellation).ConfigureAwait(false);
            }
            if (batch.Count == 0) yield break;
            yield return batch;
            after = batch[^1];
        }
    }

    private DeadLetterPlace? PlaceOf(FailedMessage message, IReadOnlyDictionary<string, DeadLetterPlace> known)
    {
        if (known.TryGetValue(message.Kind + ":" + message.Channel, out var place)) return place;
        // A service this node does not run still has its queue on the backbone.
        return message.Kind == "service" ? ServiceDeadLetters.Of(message.Channel, backbone, options) : null;
    }

    // The message as it is sent again: its (edited) body and headers, without what its failure added but its record's id.
    private static (BasicProperties Properties, ReadOnlyMemory<byte> Body) Resend(FailedMessage message)
    {
        var source = message.Edited?.Headers ?? message.Headers;
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
            if (!Wire.FailureHeaders.Contains(key) && !key.StartsWith(PropertyPrefix, StringComparison.Ordinal)) headers[key] = value;
        headers[Wire.FailedId] = message.Id;
        headers[Wire.Cid] = message.Cid;
        var properties = new BasicProperties
        {
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
            ContentType = source.GetValueOrDefault(PropertyPrefix + "content_type"),
            MessageId = source.GetValueOrDefault(PropertyPrefix + "message_id"),
            CorrelationId = source.GetValueOrDefault(PropertyPrefix + "correlation_id"),
            ReplyTo = source.GetValueOrDefault(PropertyPrefix + "reply_to"),
        };
        return (properties, message.Edited?.Body ?? message.Body);
    }

    /// <summary>How a message's AMQP properties are kept among its headers: <c>amqp.content_type</c>, <c>amqp.message_id</c>…</summary>
    public const string PropertyPrefix = "amqp.";

    private static Dictionary<string, string> HeadersOf(IReadOnlyBasicProperties properties)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (properties.Headers is { } h)
            foreach (var key in h.Keys)
                // RabbitMQ.Client's own, added to each publish it tracks the confirmation of.
                if (key != "x-dotnet-pub-seq-no" && Wire.Text(h, key) is { } text) headers[key] = text;
        if (properties.ContentType is { Length: > 0 } type) headers[PropertyPrefix + "content_type"] = type;
        if (properties.MessageId is { Length: > 0 } id) headers[PropertyPrefix + "message_id"] = id;
        if (properties.CorrelationId is { Length: > 0 } correlation) headers[PropertyPrefix + "correlation_id"] = correlation;
        if (properties.ReplyTo is { Length: > 0 } reply) headers[PropertyPrefix + "reply_to"] = reply;
        return headers;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The body as text, when it is UTF-8 (a PostgreSQL text cannot hold a NUL either).</summary>
    public static string? TextOf(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf((byte)0) >= 0) return null;
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Roles.HasFlag(NodeRoles.Worker)) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var session = store.LightweightSession();
                var before = DateTimeOffset.UtcNow - options.FailedRetention;
                session.DeleteWhere<FailedMessage>(m => (m.State == FailedMessage.Archived || m.State == FailedMessage.Retried) && m.Changed < before);
                await session.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Warning(e, "Archived failed messages past their retention could not be deleted; trying again in an hour");
            }
            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (true);
    }
}
