using Integrations.Bus.Node;

namespace Integrations.Tests.Unit.Deployment;

/// <summary>
/// Kubernetes manifests of a cluster of nodes, checked against what the node does: its roles, the ports those roles
/// serve, its health endpoints, the variables it reads. Each node container's settings are the image's (from
/// compose/Dockerfile) overlaid by its env, as the node sees them.
/// </summary>
internal sealed class NodeManifests
{
    /// <summary>The variables that carry a server's credentials or a key: from a Secret, never written in a manifest.</summary>
    private static readonly string[] Secrets = ["ESB_RABBITMQ", "ESB_POSTGRES", "ESB_SECRET_KEY", "ESB_ADMIN_PASSWORD"];

    private readonly List<Dictionary<string, object?>> _documents;

    public NodeManifests(string yaml)
    {
        _documents = DeploymentFiles.Documents(yaml);
        Nodes = [.. _documents.Where(d => d.Text("kind") == "Deployment").Select(d => new Node(d))];
        Assert.NotEmpty(Nodes);
    }

    public List<Node> Nodes { get; }

    public IEnumerable<Dictionary<string, object?>> OfKind(string kind) => _documents.Where(d => d.Text("kind") == kind);

    /// <summary>Every check below.</summary>
    public void Check()
    {
        ProbesAskTheHealthEndpointsOnServedPorts();
        SetOnlyVariablesTheNodeReads();
        TakeServersAndKeysFromASecret();
        RunAsNonRootOnAReadOnlyRoot();
        RolesAreTheNodesWithEdgeAndWorkerApart();
        NameEachNodeAfterItsPod();
        ServicesReachPodsThatServeTheirPort();
    }

    public void ProbesAskTheHealthEndpointsOnServedPorts()
    {
        foreach (var node in Nodes)
        {
            var served = node.ServedPorts();
            Assert.True(served.SetEquals(node.ContainerPorts.Values), $"{node.Name}: declares ports {string.Join(",", node.ContainerPorts.Values)}, its roles serve {string.Join(",", served)}");
            var probes = new[] { ("livenessProbe", NodeHealth.LivePath), ("startupProbe", NodeHealth.LivePath), ("readinessProbe", NodeHealth.ReadyPath) };
            foreach (var (probe, path) in probes)
            {
                var get = node.Container.Map(probe).Map("httpGet");
                if (served.Count == 0)
                {
                    // Nothing listens: no HTTP probe could pass.
                    Assert.Empty(get);
                    continue;
                }
                if (probe == "startupProbe" && get.Count == 0) continue;
                Assert.True(get.Count > 0, $"{node.Name}: no {probe}");
                Assert.Equal(path, get.Text("path"));
                Assert.Contains(node.Port(get.Text("port")), served);
            }
        }
    }

    public void SetOnlyVariablesTheNodeReads()
    {
        foreach (var node in Nodes)
        {
            var names = node.Env.Select(e => e.Text("name")!).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            foreach (var name in names)
                Assert.True(DeploymentFiles.NodeVariables.Contains(name), $"{node.Name} sets {name}, which esb serve does not read");
        }
    }

    public void TakeServersAndKeysFromASecret()
    {
        Assert.Superset(Secrets.ToHashSet(), DeploymentFiles.NodeVariables.ToHashSet());
        var secrets = OfKind("Secret").ToDictionary(s => s.Map("metadata").Text("name")!, s => s.Map("stringData").Keys.Concat(s.Map("data").Keys).ToHashSet());
        foreach (var node in Nodes)
        {
            // Every node needs the cluster's servers and key: a key of its own (made in a data folder that dies with
            // the pod) would make it refuse to start. A dashboard node needs the admin password for the same reason.
            var needed = node.Serves(NodeRoles.Dashboard) ? Secrets : Secrets[..3];
            foreach (var name in needed)
            {
                var variable = node.Env.SingleOrDefault(e => e.Text("name") == name);
                Assert.True(variable is not null, $"{node.Name}: {name} is not set");
                Assert.Null(variable.Text("value"));
                var reference = variable.Map("valueFrom").Map("secretKeyRef");
                Assert.True(reference.Text("name") is { Length: > 0 } && reference.Text("key") is { Length: > 0 }, $"{node.Name}: {name} is not from a secretKeyRef");
                if (secrets.Count > 0)
                    Assert.Contains(reference.Text("key")!, secrets[reference.Text("name")!]);
            }
            Assert.DoesNotContain(node.Env, e => Secrets.Contains(e.Text("name")) && e.Text("value") is not null);
        }
    }

    public void RunAsNonRootOnAReadOnlyRoot()
    {
        foreach (var node in Nodes)
        {
            var pod = node.Pod.Map("securityContext");
            var container = node.Container.Map("securityContext");
            Assert.Equal("true", container.Text("runAsNonRoot") ?? pod.Text("runAsNonRoot"));
            Assert.NotEqual("0", container.Text("runAsUser") ?? pod.Text("runAsUser") ?? "0");
            Assert.Equal("false", container.Text("allowPrivilegeEscalation"));
            Assert.Equal("true", container.Text("readOnlyRootFilesystem"));
            // With a read-only root, every folder the node writes is a volume of the pod.
            var volumes = node.Pod.List("volumes").Select(v => v.Text("name")).ToHashSet();
            var mounts = node.Container.List("volumeMounts").Where(m => volumes.Contains(m.Text("name"))).Select(m => m.Text("mountPath")!.TrimEnd('/')).ToList();
            foreach (var folder in new[] { node.Setting("ESB_DATA_DIR"), node.Setting("ESB_LOG_DIR"), node.Setting("ESB_PICKUP_DIR"), "/tmp" })
            {
                Assert.True(folder is not null && folder.StartsWith('/'), $"{node.Name}: a folder the node writes is not an absolute path: '{folder}'");
                Assert.True(mounts.Any(m => folder == m || folder.StartsWith(m + "/", StringComparison.Ordinal)), $"{node.Name}: {folder} is on the read-only root");
            }
        }
    }

    public void RolesAreTheNodesWithEdgeAndWorkerApart()
    {
        foreach (var node in Nodes) Assert.NotEqual(NodeRoles.None, node.Roles);
        Assert.Contains(Nodes, n => n.Serves(NodeRoles.Edge));
        Assert.Contains(Nodes, n => n.Serves(NodeRoles.Worker));
        Assert.Contains(Nodes, n => n.Serves(NodeRoles.Scheduler));
        Assert.DoesNotContain(Nodes, n => n.Serves(NodeRoles.Edge) && n.Serves(NodeRoles.Worker));
    }

    public void NameEachNodeAfterItsPod()
    {
        // The node's name is its scheduler instance id, unique in the cluster: the pod's name is.
        foreach (var node in Nodes)
            Assert.Equal("metadata.name", node.Env.Single(e => e.Text("name") == "ESB_NODE_NAME").Map("valueFrom").Map("fieldRef").Text("fieldPath"));
    }

    public void ServicesReachPodsThatServeTheirPort()
    {
        foreach (var service in OfKind("Service"))
        {
            var name = service.Map("metadata").Text("name");
            var selector = service.Map("spec").Map("selector");
            var targets = Nodes.Where(n => selector.All(s => n.Pod.Map("metadata").Map("labels").Text(s.Key) == (string?)s.Value)).ToList();
            Assert.True(selector.Count > 0 && targets.Count > 0, $"Service {name} selects no node");
            foreach (var port in service.Map("spec").List("ports"))
                foreach (var node in targets)
                    Assert.Contains(node.Port(port.Text("targetPort") ?? port.Text("port")), node.ServedPorts());
        }
    }

    /// <summary>One Deployment of nodes.</summary>
    internal sealed class Node
    {
        private static readonly Dictionary<string, string> Image =
            DeploymentFiles.ImageEnvironment(DeploymentFiles.FinalStage(File.ReadAllText(DeploymentFiles.Compose("Dockerfile"))));

        public Node(Dictionary<string, object?> deployment)
        {
            Name = deployment.Map("metadata").Text("name")!;
            var template = deployment.Map("spec").Map("template");
            Pod = new(template.Map("spec")) { ["metadata"] = template.Map("metadata") };
            Container = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Pod.List("containers")));
            Env = [.. Container.List("env").OfType<Dictionary<string, object?>>()];
            ContainerPorts = Container.List("ports").ToDictionary(p => p.Text("name") ?? p.Text("containerPort")!, p => int.Parse(p.Text("containerPort")!));
            Roles = NodeRolesParser.Parse(Setting("ESB_ROLES") ?? "all");
        }

        public string Name { get; }
        /// <summary>The pod's spec, with its <c>metadata</c>.</summary>
        public Dictionary<string, object?> Pod { get; }
        public Dictionary<string, object?> Container { get; }
        public List<Dictionary<string, object?>> Env { get; }
        public Dictionary<string, int> ContainerPorts { get; }
        public NodeRoles Roles { get; }

        public bool Serves(NodeRoles role) => Roles.HasFlag(role);

        /// <summary>A setting as the node sees it: the container's env, else the image's.</summary>
        public string? Setting(string variable) =>
            Env.FirstOrDefault(e => e.Text("name") == variable) is { } set ? set.Text("value") : Image.GetValueOrDefault(variable);

        /// <summary>The ports the node listens on: the channel port as an edge node, the admin port as a dashboard node.</summary>
        public HashSet<int> ServedPorts()
        {
            var defaults = new NodeOptions();
            var ports = new HashSet<int>();
            if (Serves(NodeRoles.Edge)) ports.Add(new Uri(Setting("ESB_CHANNELS_URL") ?? defaults.ChannelsUrl).Port);
            if (Serves(NodeRoles.Dashboard)) ports.Add(new Uri(Setting("ESB_ADMIN_URL") ?? defaults.AdminUrl).Port);
            return ports;
        }

        /// <summary>A probe's or a Service's port, a number or the name of a container port.</summary>
        public int Port(string? port) =>
            int.TryParse(port, out var number) ? number
            : ContainerPorts.TryGetValue(port ?? "", out var named) ? named
            : throw new Xunit.Sdk.XunitException($"{Name}: no container port named '{port}'");
    }
}
