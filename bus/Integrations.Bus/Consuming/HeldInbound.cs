using System.Text.Json;
using Integrations.Bus.Backbone;

namespace Integrations.Bus.Consuming;

/// <summary>
/// A message a channel received from another broker and moved into the backbone (see <see cref="Wire.Held"/>), as the
/// worker that runs it receives it: the same body, properties and cid the channel received; acknowledged in the
/// backbone; dead-lettered and answered at its source, through <see cref="IHeldSource"/>.
/// </summary>
public sealed class HeldInbound : IInbound
{
    private readonly IHeldSource _source;
    private readonly CancellationToken _stopping;
    private IReadOnlyDictionary<string, string>? _properties;

    /// <summary>
    /// Wraps <paramref name="held"/>, received from the backbone, whose source is <paramref name="source"/>; what is
    /// sent to the source is tried again while it cannot be reached, until <paramref name="stopping"/>.
    /// </summary>
    public HeldInbound(AmqpInbound held, IHeldSource source, CancellationToken stopping)
    {
        Held = held;
        _source = source;
        _stopping = stopping;
    }

    /// <summary>The first wait before sending to the source again; it doubles up to <see cref="LongestWait"/>.</summary>
    public static TimeSpan FirstWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait before sending to the source again.</summary>
    public static TimeSpan LongestWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The message as the backbone holds it.</summary>
    public AmqpInbound Held { get; }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Body => Held.Body;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties => _properties ??= PropertiesOf(Held);

    /// <inheritdoc />
    public string? MessageId => Held.MessageId;

    /// <inheritdoc />
    // Given before by its source, or by the backbone (a worker stopped while it ran).
    public bool Redelivered => Held.Redelivered || Wire.Text(Held.Delivery.BasicProperties.Headers, Wire.HeldRedelivered) is "True" or "true" or "1";

    /// <inheritdoc />
    public string? Cid => Held.Cid;

    /// <inheritdoc />
    public string? ReplyTo => Held.ReplyTo;

    /// <inheritdoc />
    public bool CanSettle => Held.CanSettle;

    /// <inheritdoc />
    public Task CompleteAsync(CancellationToken cancellation) => Held.CompleteAsync(cancellation);

    /// <inheritdoc />
    public Task DeferAsync() => Held.DeferAsync();

    /// <inheritdoc />
    public async Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellation)
    {
        // Kept at its source (confirmed there) before the backbone forgets it: nothing is lost between the two.
        await AtSourceAsync(() => _source.DeadLetterAsync(this, letter, _stopping)).ConfigureAwait(false);
        await Held.CompleteAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task ReplyAsync(ServiceResult result, CancellationToken cancellation) =>
        ReplyTo is null ? Task.CompletedTask : AtSourceAsync(() => _source.ReplyAsync(this, result, _stopping));

    // The source away (its broker restarting) is waited out: the service ran, and must not run again for that. What
    // the source refuses (no such queue) is thrown, for the policy to deal with; so is the node stopping.
    private async Task AtSourceAsync(Func<Task> send)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                await send().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!_source.Refused(e) && !_stopping.IsCancellationRequested && Held.CanSettle)
            {
                await Task.Delay(Node.Backoff.Delay(failures, FirstWait, LongestWait), _stopping).ConfigureAwait(false);
            }
        }
    }

    private Dictionary<string, string> PropertiesOf(AmqpInbound held)
    {
        var json = Wire.Text(held.Delivery.BasicProperties.Headers, Wire.HeldProperties);
        var values = json is null ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.Ordinal);
        if (Redelivered) values[ServiceContext.RedeliveredProperty] = "true";
        return values;
    }
}

/// <summary>Where messages moved into the backbone came from: what settles them there.</summary>
public interface IHeldSource
{
    /// <summary>Keeps <paramref name="message"/> in its source's dead letters, with why, confirmed by its broker.</summary>
    Task DeadLetterAsync(HeldInbound message, DeadLetter letter, CancellationToken cancellation);

    /// <summary>Sends a successful answer to <paramref name="message"/>'s reply-to, at its source, confirmed by its broker.</summary>
    Task ReplyAsync(HeldInbound message, ServiceResult result, CancellationToken cancellation);

    /// <summary>Whether the source refused what was sent (no such queue, no right to it), rather than could not be reached.</summary>
    bool Refused(Exception error);
}
