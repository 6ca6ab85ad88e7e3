namespace Integrations.Tests.Unit.Deployment;

/// <summary>compose/kubernetes/integrations.yaml, the chart's rendering for clusters without Helm.</summary>
public sealed class The_kubernetes_manifests
{
    private readonly NodeManifests _manifests = new(File.ReadAllText(DeploymentFiles.Compose("kubernetes/integrations.yaml")));

    [Fact]
    public void Probe_the_health_endpoints_on_a_port_the_node_s_roles_serve() => _manifests.ProbesAskTheHealthEndpointsOnServedPorts();

    [Fact]
    public void Set_only_variables_esb_serve_reads() => _manifests.SetOnlyVariablesTheNodeReads();

    [Fact]
    public void Take_the_servers_and_the_keys_from_a_secret() => _manifests.TakeServersAndKeysFromASecret();

    [Fact]
    public void Run_as_a_user_other_than_root_on_a_read_only_root() => _manifests.RunAsNonRootOnAReadOnlyRoot();

    [Fact]
    public void Scale_edge_and_worker_nodes_apart_beside_a_scheduler() => _manifests.RolesAreTheNodesWithEdgeAndWorkerApart();

    [Fact]
    public void Name_each_node_after_its_pod() => _manifests.NameEachNodeAfterItsPod();

    [Fact]
    public void Route_each_service_to_nodes_that_serve_its_port() => _manifests.ServicesReachPodsThatServeTheirPort();

    [Fact]
    public void Run_the_image_the_node_s_user_can_run()
    {
        var stage = DeploymentFiles.FinalStage(File.ReadAllText(DeploymentFiles.Compose("Dockerfile")));
        var user = stage.Last(i => i.Instruction == "USER").Arguments;
        foreach (var node in _manifests.Nodes)
        {
            Assert.Equal(user, node.Pod.Map("securityContext").Text("runAsUser"));
            // The pod's volumes are the node user's to write.
            Assert.Equal(user, node.Pod.Map("securityContext").Text("fsGroup"));
        }
    }
}
