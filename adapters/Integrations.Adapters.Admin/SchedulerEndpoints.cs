using Integrations.Admin;
using Integrations.Bus.Config;
using Integrations.Adapters.Scheduler;
using Integrations.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Admin;

/// <summary>
/// The scheduler's own actions, beside its create/list/show/update/delete: run a job now, pause and resume it, and
/// show where it stands with its last runs.
/// </summary>
public static class SchedulerEndpoints
{

    /// <summary>Maps <c>/admin/scheduler/{name}/run|pause|resume|runs</c>.</summary>
    public static void MapSchedulerEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapPost("/scheduler/{name}/run", async (string name, ConfigView view, JobScheduler scheduler, HttpContext http) =>
        {
            if (view.Find<ScheduledJob>(name) is null) return ConfigEndpoints.NotFound(ConfigKinds.Product().Of(typeof(ScheduledJob)), name, view);
            return await scheduler.RunNowAsync(name, http.RequestAborted)
                ? Results.Json(new { job = name, run = "requested", runs = $"/admin/scheduler/{Uri.EscapeDataString(name)}/runs" }, ConfigEndpoints.Json, statusCode: 202)
                : ConfigEndpoints.Error(409, $"job '{name}' is not in the scheduler's store yet; try again in a moment");
        });
        admin.MapPost("/scheduler/{name}/pause", (string name, ConfigView view, ConfigStore store, HttpContext http) => SetActiveAsync(name, false, view, store, http));
        admin.MapPost("/scheduler/{name}/resume", (string name, ConfigView view, ConfigStore store, HttpContext http) => SetActiveAsync(name, true, view, store, http));
        admin.MapGet("/scheduler/{name}/runs", async (string name, int? limit, ConfigView view, JobScheduler scheduler, JobRuns runs, HttpContext http) =>
        {
            if (view.Find<ScheduledJob>(name) is null) return ConfigEndpoints.NotFound(ConfigKinds.Product().Of(typeof(ScheduledJob)), name, view);
            if (limit is < 1 or > 1000) return ConfigEndpoints.Error(400, "limit must be from 1 to 1000");
            var (state, next, previous) = await scheduler.StateOfAsync(name, http.RequestAborted);
            var last = await runs.LastAsync(name, limit ?? 20, http.RequestAborted);
            return Results.Json(new JobStatus(name, state, next, previous, last.Select(r => r.ToInfo()).ToList()), ConfigEndpoints.Json);
        });
    }

    private static async Task<IResult> SetActiveAsync(string name, bool active, ConfigView view, ConfigStore store, HttpContext http)
    {
        if (view.Find<ScheduledJob>(name) is not { } job) return ConfigEndpoints.NotFound(ConfigKinds.Product().Of(typeof(ScheduledJob)), name, view);
        try
        {
            var changed = job with { IsActive = active };
            await store.SaveAsync(changed, http.RequestAborted);
            return Results.Json(changed, ConfigEndpoints.Json);
        }
        catch (ConfigRejectedException e)
        {
            return ConfigEndpoints.Rejected(e);
        }
    }
}
