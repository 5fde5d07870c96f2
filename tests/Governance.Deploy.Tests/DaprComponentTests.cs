using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>The self-hosted pub/sub component (tye, dapr run) is the cluster's, but for where Redis is.</summary>
public class DaprComponentTests
{
    /// <summary>What may differ: the cluster's Redis is a Service with a password from the Secret.</summary>
    private static readonly string[] PerEnvironment = ["redisHost", "redisPassword"];

    [Fact]
    public void The_self_hosted_pubsub_component_matches_the_clusters_but_for_the_Redis_address_and_password()
    {
        var cluster = SourceFiles.BaseResources().Get("Component", "pubsub");
        var selfHosted = Manifests.FromFiles([Path.Combine(DeployPaths.DaprComponents, "pubsub.yaml")]).Get("Component", "pubsub");
        foreach (var field in new[] { new[] { "apiVersion" }, ["spec", "type"], ["spec", "version"] })
        {
            Assert.Equal(cluster.Str(field), selfHosted.Str(field));
        }
        Assert.Equal(cluster.Arr("scopes").Strings(), selfHosted.Arr("scopes").Strings());
        static IEnumerable<string> Settings(System.Text.Json.Nodes.JsonObject component) =>
            component.Arr("spec", "metadata").Objects()
                .Where(m => !PerEnvironment.Contains(m.Str("name")))
                .Select(m => $"{m.Str("name")}={m.Str("value")}")
                .Order(StringComparer.Ordinal);
        Assert.Equal(Settings(cluster), Settings(selfHosted));
        Assert.Contains(selfHosted.Arr("spec", "metadata").Objects(), m => m.Str("name") == "redisHost");
    }
}
