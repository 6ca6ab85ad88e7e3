using System.Text.Json;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Config;
using Integrations.Runtime;
using Microsoft.AspNetCore.Http;

namespace Integrations.Adapters.PubSub;

/// <summary>
/// <c>POST /esb/pubsub/topic/{name}</c> on the channel port: publishes the JSON body to the topic, the caller checked
/// with the topic's security definition, and answers 202 with the cid.
/// </summary>
public sealed class TopicPublishing(ConfigView config, CallerSecurity callers, Topics topics) : IChannelRoutes
{
    private const string Path = "/esb/pubsub/topic";

    /// <inheritdoc />
    public string? Kind => null;

    /// <inheritdoc />
    public IEnumerable<ChannelRoute> Routes() => [new(Path + "/{**topic}", "topics' publishing", PublishAsync)];

    private async Task PublishAsync(HttpContext http, string cid)
    {
        var request = http.Request;
        var topic = (request.RouteValues["topic"] as string)?.Trim('/') ?? "";
        if (!HttpMethods.IsPost(request.Method))
        {
            http.Response.Headers.Allow = "POST";
            await HttpAnswers.WriteErrorAsync(http, 405, $"publish with POST {Path}/{topic}", cid);
            return;
        }
        if (config.Find<PubSubTopic>(topic) is not { } definition)
        {
            await HttpAnswers.WriteErrorAsync(http, 404, $"no pubsub_topic named '{topic}'", cid);
            return;
        }
        var check = await callers.CheckAsync(http, definition.Security);
        if (!check.Passed)
        {
            await HttpAnswers.WriteErrorAsync(http, check.Status, check.Error ?? "refused", cid);
            return;
        }
        string body;
        using (var reader = new StreamReader(request.Body))
            body = await reader.ReadToEndAsync(http.RequestAborted);
        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            await HttpAnswers.WriteErrorAsync(http, 400, ServiceInput.Malformed(e), cid);
            return;
        }
        try
        {
            await topics.PublishAsync(topic, body, cid, http.RequestAborted);
        }
        catch (ServiceException e)
        {
            await HttpAnswers.WriteErrorAsync(http, e.Status, e.Message, cid);
            return;
        }
        await HttpAnswers.WriteJsonAsync(http, 202, cid, JsonSerializer.Serialize(new { topic, cid }));
    }
}
