using System.Collections.Concurrent;
using System.Text.Json;
using Integrations.Bus.Consuming;
using Integrations.Bus.Node;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace Integrations.Bus.Backbone;

/// <summary>
/// Asks every node of the cluster the same question and gathers their answers — a cid's hops, the last hour's rates —
/// over the bus alone: the question is broadcast on <see cref="Broadcasts.Events"/> with a reply queue of the asker's,
/// each node of the same schema answers into it, and the asker waits until every node heard from lately
/// (<see cref="ClusterNodes"/>) answered or <see cref="Patience"/> passed. The asking node answers itself directly.
/// </summary>
public sealed class ClusterQuestions(RabbitBackbone backbone, Broadcasts broadcasts, ClusterNodes nodes, NodeOptions options, ILogger log) : IHostedService
{
    private const string Event = "ClusterQuestion";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Func<JsonElement, object>> _answers = new(StringComparer.Ordinal);
    private readonly ILogger _log = log.ForContext("SourceContext", "cluster");

    /// <summary>How long an asker waits for the nodes that have not answered yet.</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Answers, on this node, every question about <paramref name="subject"/>.</summary>
    public void Answer<TQuestion, TAnswer>(string subject, Func<TQuestion, TAnswer> answer) where TAnswer : notnull =>
        _answers[subject] = question => answer(question.Deserialize<TQuestion>(Json)!);

    /// <summary>
    /// Asks every node about <paramref name="subject"/>: this node's answer first, then the others' as they came; and
    /// the nodes heard from lately that did not answer in time. With the bus away, this node's answer alone.
    /// </summary>
    public async Task<ClusterAnswers<TAnswer>> AskAsync<TQuestion, TAnswer>(string subject, TQuestion question, CancellationToken cancellation)
    {
        if (!_answers.TryGetValue(subject, out var own)) throw new InvalidOperationException($"no node answers questions about {subject}");
        var asked = JsonSerializer.SerializeToElement(question, Json);
        var answers = new List<(string Node, TAnswer Answer)> { (options.NodeName, (TAnswer)own(asked)) };
        var expected = nodes.All().Where(n => n.State == "up" && !n.Self).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.Count == 0) return new ClusterAnswers<TAnswer>(answers, []);
        if (!backbone.IsConnected) return new ClusterAnswers<TAnswer>(answers, [.. expected.Order(StringComparer.Ordinal)]);

        var id = Guid.NewGuid().ToString("N");
        var came = System.Threading.Channels.Channel.CreateUnbounded<(string Node, TAnswer Answer)>();
        try
        {
            await using var channel = await backbone.Connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
            // Exclusive to this question: gone with its channel.
            var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellation).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                if (delivery.BasicProperties.CorrelationId == id && delivery.BasicProperties.AppId is { Length: > 0 } node
                    && JsonSerializer.Deserialize<TAnswer>(delivery.Body.Span, Json) is { } answer)
                    came.Writer.TryWrite((node, answer));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellation).ConfigureAwait(false);
            var body = JsonSerializer.SerializeToUtf8Bytes(new Question(id, options.Schema, subject, asked), Json);
            await backbone.PublishToExchangeAsync(Broadcasts.Events,
                new BasicProperties { Type = Event, AppId = options.NodeName, ContentType = "application/json", ReplyTo = queue.QueueName, CorrelationId = id },
                body, cancellation).ConfigureAwait(false);

            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            patience.CancelAfter(Patience);
            try
            {
                while (expected.Count > 0)
                {
                    var (node, answer) = await came.Reader.ReadAsync(patience.Token).ConfigureAwait(false);
                    if (answers.Any(a => a.Node == node)) continue;
                    answers.Add((node, answer));
                    expected.Remove(node);
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Those that did not answer in time are said to be missing.
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.Warning("The other nodes could not be asked about {Subject} ({Reason}); answering with this node's alone", subject, AmqpErrors.Explain(e));
        }
        return new ClusterAnswers<TAnswer>(answers, [.. expected.Order(StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = broadcasts.On(Broadcasts.Events, Event, fromItself: false, AnswerAsync);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task AnswerAsync(IInbound message, CancellationToken cancellation)
    {
        var properties = ((AmqpInbound)message).Delivery.BasicProperties;
        var question = JsonSerializer.Deserialize<Question>(message.Body.Span, Json);
        // Another cluster on the same broker asks its own nodes only.
        if (question is null || question.Schema != options.Schema || properties.ReplyTo is not { Length: > 0 } replyTo) return;
        if (!_answers.TryGetValue(question.Subject, out var answer)) return;
        var body = JsonSerializer.SerializeToUtf8Bytes(answer(question.Asked), Json);
        await backbone.PublishToQueueAsync(replyTo, new BasicProperties { AppId = options.NodeName, CorrelationId = question.Id, ContentType = "application/json" },
            body, cancellation).ConfigureAwait(false);
    }

    private sealed record Question(string Id, string Schema, string Subject, JsonElement Asked);
}

/// <summary>What the nodes answered (the asking node's first), and the nodes that did not answer in time.</summary>
public sealed record ClusterAnswers<T>(IReadOnlyList<(string Node, T Answer)> Answers, IReadOnlyList<string> Missing);
