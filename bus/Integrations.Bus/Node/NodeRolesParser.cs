namespace Integrations.Bus.Node;

/// <summary>Reads roles as the CLI takes them: <c>all</c>, or a comma-separated list such as <c>edge,worker</c>.</summary>
public static class NodeRolesParser
{
    /// <summary>Parses <paramref name="text"/>; the exception names the unknown role and the known ones.</summary>
    public static NodeRoles Parse(string text)
    {
        var roles = NodeRoles.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "all" => NodeRoles.All,
                "edge" => NodeRoles.Edge,
                "worker" => NodeRoles.Worker,
                "scheduler" => NodeRoles.Scheduler,
                "dashboard" => NodeRoles.Dashboard,
                _ => throw new ArgumentException($"--roles: unknown role '{part}'; roles are all, edge, worker, scheduler, dashboard"),
            };
        }
        if (roles == NodeRoles.None) throw new ArgumentException("--roles: name at least one role (all, edge, worker, scheduler, dashboard)");
        return roles;
    }
}
