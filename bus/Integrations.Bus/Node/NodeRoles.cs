namespace Integrations.Bus.Node;

/// <summary>What a node does; several nodes with different roles form one cluster.</summary>
[Flags]
public enum NodeRoles
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>Channels: the adapters that take calls from outside.</summary>
    Edge = 1,
    /// <summary>Runs services from their queues.</summary>
    Worker = 2,
    /// <summary>Fires scheduled jobs.</summary>
    Scheduler = 4,
    /// <summary>The dashboard and the admin API.</summary>
    Dashboard = 8,
    /// <summary>Everything.</summary>
    All = Edge | Worker | Scheduler | Dashboard,
}
