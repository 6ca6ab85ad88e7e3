using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Admin;
using Integrations.Bus.Failed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The failed-message store over the admin API: <c>/admin/failed</c> lists and searches, <c>/groups</c> groups by
/// cause, <c>/{id}</c> shows one whole; <c>/retry</c>, <c>/archive</c> and <c>/delete</c> act on ids, a group or all;
/// <c>/{id}/edit</c> changes what a retry sends, and sends it.
/// </summary>
public static class FailedEndpoints
{
    private const string Selection = """the body names the messages: {"ids": ["…"]}, {"group": "…"} (every failed one of the group) or {"all": true} (every failed one)""";
    private static readonly string[] States = [FailedMessage.Failed, FailedMessage.Retried, FailedMessage.Archived, "all"];

    /// <summary>Maps <c>/admin/failed…</c>.</summary>
    public static void MapFailedEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/failed", ListAsync);
        admin.MapGet("/failed/groups", async (string? state, FailedMessages store, HttpContext http) =>
        {
            if (StateOf(state, out var wanted) is { } wrong) return wrong;
            var groups = await store.GroupsAsync(wanted ?? FailedMessage.Failed, http.RequestAborted);
            return Results.Json(groups.Select(g => new FailedGroupInfo(g.Group, g.Kind, g.Channel, g.Service, g.Cause, g.Error, g.Count, g.FirstFailed, g.LastFailed)),
                ConfigEndpoints.Json);
        });
        admin.MapGet("/failed/{id}", async (string id, FailedMessages store, HttpContext http) =>
            await store.GetAsync(id, http.RequestAborted) is { } message ? Results.Json(Detail(message), ConfigEndpoints.Json) : NoSuch(id));
        admin.MapPost("/failed/retry", (HttpContext http, FailedMessages store) =>
            ActAsync(http, "retry", (selection, ct) => store.RetryAsync(selection, AdminCredentials.UserName, ct)));
        admin.MapPost("/failed/archive", (HttpContext http, FailedMessages store) =>
            ActAsync(http, "archive", (selection, ct) => store.ArchiveAsync(selection, AdminCredentials.UserName, ct)));
        admin.MapPost("/failed/delete", (HttpContext http, FailedMessages store) =>
            ActAsync(http, "delete", (selection, ct) => store.DeleteAsync(selection, AdminCredentials.UserName, ct)));
        admin.MapDelete("/failed/{id}", async (string id, FailedMessages store, HttpContext http) =>
        {
            var outcome = await store.DeleteAsync(new FailedSelection([id]), AdminCredentials.UserName, http.RequestAborted);
            return outcome.Done.Count == 0 ? NoSuch(id) : Results.Json(new FailedActionResult("delete", outcome.Done, outcome.Refused), ConfigEndpoints.Json);
        });
        admin.MapPost("/failed/{id}/edit", EditAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, FailedMessages store)
    {
        var q = http.Request.Query;
        foreach (var key in q.Keys)
            if (key is not ("state" or "service" or "channel" or "cid" or "text" or "group" or "since" or "until" or "limit" or "offset"))
                return ConfigEndpoints.Error(400, $"'{key}' is not a filter of failed messages; use state, service, channel, cid, text, group, since, until, limit, offset");
        if (StateOf(q["state"], out var state) is { } wrong) return wrong;
        if (Number(q["limit"], "limit", 1, 1000, 50, out var limit) is { } badLimit) return badLimit;
        if (Number(q["offset"], "offset", 0, int.MaxValue, 0, out var offset) is { } badOffset) return badOffset;
        if (Time(q["since"], "since", out var since) is { } badSince) return badSince;
        if (Time(q["until"], "until", out var until) is { } badUntil) return badUntil;
        var query = new FailedQuery(state == "all" ? null : state ?? FailedMessage.Failed, Text(q["service"]), Text(q["channel"]), Text(q["cid"]), Text(q["text"]),
            Text(q["group"]), since, until, limit, offset);
        var (messages, total) = await store.FindAsync(query, http.RequestAborted);
        return Results.Json(new FailedMessageList(total, messages.Select(Info).ToList()), ConfigEndpoints.Json);
    }

    private static async Task<IResult> ActAsync(HttpContext http, string action, Func<FailedSelection, CancellationToken, Task<FailedOutcome>> act)
    {
        var body = await ConfigEndpoints.ReadObjectAsync(http);
        if (body.Error is not null) return body.Error;
        if (SelectionOf(body.Object!, out var selection) is { } wrong) return wrong;
        var outcome = await act(selection!, http.RequestAborted);
        return Results.Json(new FailedActionResult(action, outcome.Done, outcome.Refused), ConfigEndpoints.Json);
    }

    private static IResult? SelectionOf(JsonObject body, out FailedSelection? selection)
    {
        selection = null;
        foreach (var (key, _) in body)
            if (key is not ("ids" or "group" or "all")) return ConfigEndpoints.Error(400, $"{key}: is not a field here; {Selection}");
        var given = new[] { "ids", "group", "all" }.Count(body.ContainsKey);
        if (given != 1) return ConfigEndpoints.Error(400, (given == 0 ? "nothing selected: " : "ids, group and all are one choice: ") + Selection);
        if (body["ids"] is { } ids)
        {
            if (ids is not JsonArray list || list.Count == 0 || list.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length is 0 or > 64))
                return ConfigEndpoints.Error(400, "ids: must be a list of one or more message ids (as esb failed list shows them)");
            if (list.Count > 10_000) return ConfigEndpoints.Error(400, $"ids: {list.Count} ids; give at most 10000 at a time, or a group");
            selection = new FailedSelection([.. list.Select(i => i!.GetValue<string>())]);
            return null;
        }
        if (body["group"] is { } group)
        {
            if (group is not JsonValue g || !g.TryGetValue<string>(out var name) || name.Length == 0)
                return ConfigEndpoints.Error(400, "group: must be a group's id (as esb failed groups shows it)");
            selection = new FailedSelection(Group: name);
            return null;
        }
        if (body["all"] is not JsonValue all || !all.TryGetValue<bool>(out var yes) || !yes)
            return ConfigEndpoints.Error(400, "all: must be true (every failed message)");
        selection = new FailedSelection(All: true);
        return null;
    }

    private static async Task<IResult> EditAsync(string id, HttpContext http, FailedMessages store)
    {
        var read = await ConfigEndpoints.ReadObjectAsync(http);
        if (read.Error is not null) return read.Error;
        var body = read.Object!;
        const string Shape = """the body is {"body": "…" or a JSON value, "headers": {"name": "value", "removed": null}, "retry": true}""";
        foreach (var (key, _) in body)
            if (key is not ("body" or "body_base64" or "headers" or "retry")) return ConfigEndpoints.Error(400, $"{key}: is not a field here; {Shape}");
        if (body.ContainsKey("body") && body.ContainsKey("body_base64")) return ConfigEndpoints.Error(400, "body, body_base64: give one of them; " + Shape);
        byte[]? bytes = null;
        if (body["body"] is { } text)
            bytes = Encoding.UTF8.GetBytes(text is JsonValue v && v.TryGetValue<string>(out var s) ? s : text.ToJsonString());
        else if (body.ContainsKey("body")) return ConfigEndpoints.Error(400, "body: null is not a body; give text or a JSON value, or leave it out to keep the body");
        if (body["body_base64"] is { } encoded)
        {
            if (encoded is not JsonValue e || !e.TryGetValue<string>(out var b64)) return ConfigEndpoints.Error(400, "body_base64: must be base64 text");
            try
            {
                bytes = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                return ConfigEndpoints.Error(400, "body_base64: is not base64");
            }
        }
        Dictionary<string, string?>? headers = null;
        if (body["headers"] is { } given)
        {
            if (given is not JsonObject map) return ConfigEndpoints.Error(400, "headers: must be an object of names and text values (null removes one)");
            headers = new(StringComparer.Ordinal);
            foreach (var (name, value) in map)
            {
                if (name.Length == 0 || name.Length > 255) return ConfigEndpoints.Error(400, "headers: a header's name must be 1 to 255 characters");
                if (name.StartsWith("esb-", StringComparison.Ordinal)) return ConfigEndpoints.Error(400, $"headers.{name}: the platform's own headers (esb-…) cannot be edited");
                if (value is null) headers[name] = null;
                else if (value is JsonValue hv && (hv.TryGetValue<string>(out var hs) || hv.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                    headers[name] = hs ?? hv.ToJsonString();
                else return ConfigEndpoints.Error(400, $"headers.{name}: must be text, a number, true or false, or null to remove it");
            }
        }
        var retry = true;
        if (body["retry"] is { } r && (r is not JsonValue rv || !rv.TryGetValue(out retry))) return ConfigEndpoints.Error(400, "retry: must be true or false");
        if (bytes is null && headers is null) return ConfigEndpoints.Error(400, "nothing to change: " + Shape);
        if (await store.EditAsync(id, bytes, headers, AdminCredentials.UserName, http.RequestAborted) is not { } edited) return NoSuch(id);
        if (!retry) return Results.Json(Detail(edited), ConfigEndpoints.Json);
        var outcome = await store.RetryAsync(new FailedSelection([id]), AdminCredentials.UserName, http.RequestAborted);
        return Results.Json(new FailedActionResult("retry", outcome.Done, outcome.Refused), ConfigEndpoints.Json);
    }

    private static IResult? StateOf(string? given, out string? state)
    {
        state = string.IsNullOrEmpty(given) ? null : given;
        return state is null || States.Contains(state) ? null
            : ConfigEndpoints.Error(400, $"state: '{given}' is not a state; use {string.Join(", ", States)}");
    }

    private static IResult? Number(string? given, string name, int least, int most, int otherwise, out int value)
    {
        value = otherwise;
        if (string.IsNullOrEmpty(given)) return null;
        return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= least && value <= most ? null
            : ConfigEndpoints.Error(400, $"{name}: '{given}' must be a whole number from {least} to {most}");
    }

    private static IResult? Time(string? given, string name, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(given)) return null;
        if (DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            value = at;
            return null;
        }
        return ConfigEndpoints.Error(400, $"{name}: '{given}' is not a time; give one as 2026-12-03T10:00:00Z");
    }

    private static string? Text(string? given) => string.IsNullOrEmpty(given) ? null : given;

    private static IResult NoSuch(string id) =>
        ConfigEndpoints.Error(404, $"there is no failed message '{id}'; esb failed list shows them (deleted ones, and archived ones past their retention, are gone)");

    private static FailedMessageInfo Info(FailedMessage m) => new(m.Id, m.State, m.Kind, m.Channel, m.Service, m.Queue, m.Cid, m.Node, m.Status, m.Error,
        m.Exception, m.Group, m.Attempts, m.FirstFailed, m.LastFailed, m.Body.Length, m.Edited is not null);

    private static FailedMessageDetail Detail(FailedMessage m) => new(Info(m), m.Connection, m.DeadLetterQueue, m.Frame, m.Cause,
        m.Text, m.Text is null ? Convert.ToBase64String(m.Body) : null, m.Headers,
        m.Edited is { } e ? new FailedEditInfo(e.Text, e.Text is null ? Convert.ToBase64String(e.Body) : null, e.Headers, e.At, e.By) : null,
        m.History.Select(h => new FailedEventInfo(h.At, h.What, h.Detail, h.By)).ToList());
}
