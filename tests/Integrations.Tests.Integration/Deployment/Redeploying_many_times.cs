using System.Diagnostics;
using Integrations.Bus.Deployment;
using Integrations.Tests.Integration.Infrastructure;
using Xunit.Abstractions;

namespace Integrations.Tests.Integration.Deployment;

[Collection(ServersCollection.Name)]
public sealed class Redeploying_many_times(Servers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task Five_hundred_redeploys_leave_no_old_version_loaded()
    {
        await using var node = await TestNode.StartAsync(servers, "redeploy", isolated: true);
        var deployments = node.Get<Deployments>();
        static SourceFile Version(int n) => new("counter.cs", $$"""
            namespace Acme.Redeploy;
            [Service("redeploy.count")]
            public sealed class Count : Service<NoInput, Count.Output>
            {
                public sealed record Output(int Version);
                protected override Task<Output> Handle(NoInput input, ServiceContext ctx) => Task.FromResult(new Output({{n}}));
            }
            """);

        await deployments.DeployAsync([Version(0)], "test", CancellationToken.None);
        await node.InvokeAsync("redeploy.count");
        var (assembliesBefore, heapBefore) = Settle();

        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= 500; n++)
        {
            await deployments.DeployAsync([Version(n)], "test", CancellationToken.None);
            if (n % 50 == 0) Assert.Equal($$"""{"version":{{n}}}""", await (await node.InvokeAsync("redeploy.count")).Content.ReadAsStringAsync());
        }
        var (assembliesAfter, heapAfter) = Settle();
        output.WriteLine($"500 redeploys in {clock.Elapsed.TotalSeconds:0.0} s; loaded assemblies {assembliesBefore} → {assembliesAfter}; " +
                         $"managed heap {heapBefore / 1048576.0:0.0} → {heapAfter / 1048576.0:0.0} MiB");

        // Each version is a collectible context: once a newer one serves, the old one goes. Generous bounds.
        Assert.True(assembliesAfter - assembliesBefore < 50, $"{assembliesAfter - assembliesBefore} more assemblies stay loaded after 500 redeploys");
        Assert.True(heapAfter - heapBefore < 64L * 1024 * 1024, $"the managed heap grew by {(heapAfter - heapBefore) / 1048576} MiB");
    }

    private static (int Assemblies, long Heap) Settle()
    {
        for (var i = 0; i < 10; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return (AppDomain.CurrentDomain.GetAssemblies().Length, GC.GetTotalMemory(forceFullCollection: true));
    }
}
