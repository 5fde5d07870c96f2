using System.Data.Common;
using System.Text.Json.Nodes;
using Governance.Testing;
using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>tye.yaml runs the services as the cluster does: same app ids, projects, images and databases.</summary>
public class TyeTests
{
    private static readonly JsonNode? Tye = Yaml.ReadFile(DeployPaths.Tye);

    private static IEnumerable<JsonObject> Services => Tye.Arr("services").Objects();

    private static IEnumerable<JsonObject> Projects => Services.Where(s => s.Str("project") is not null);

    private static JsonObject Dapr => Tye.Arr("extensions").Objects().Single(e => e.Str("name") == "dapr");

    private static string AppIdOf(JsonObject service) =>
        Dapr.Str("services", service.Str("name")!, "app-id") ?? service.Str("name")!;

    private static string? Env(JsonObject service, string name) =>
        service.Arr("env").Objects().FirstOrDefault(e => e.Str("name") == name)?.Str("value");

    private static string? BindingPort(JsonObject service, string name) =>
        service.Arr("bindings").Objects().FirstOrDefault(b => b.Str("name") == name)?.Str("port");

    [Fact]
    public void The_app_ids_are_the_Kubernetes_app_ids()
    {
        Assert.Equal(SourceFiles.BaseResources().AppIds(), Projects.Select(AppIdOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_host_is_told_the_distinct_ports_tye_reserves_for_it_and_its_sidecar_gets_the_HTTP_one()
    {
        var ports = new List<string>();
        foreach (var service in Projects)
        {
            var name = service.Str("name");
            Assert.Equal(BindingPort(service, "grpc"), Env(service, "Ports__Grpc"));
            Assert.Equal(BindingPort(service, "http"), Env(service, "Ports__Http"));
            // tye's Dapr extension gives the sidecar the first binding whose protocol is http as the app port.
            Assert.True(service.Arr("bindings").Objects().First(b => b.Str("protocol") == "http").Str("name") == "http",
                $"{name}: the sidecar would be pointed at a binding other than the HTTP one");
            Assert.Equal("Dapr", Env(service, "PubSub__Mode"));
            ports.AddRange(service.Arr("bindings").Objects().Select(b => b.Str("port")!));
        }
        ports.AddRange(Services.Where(s => s.Str("image") is not null).SelectMany(s => s.Arr("bindings").Objects()).Select(b => b.Str("port")!));
        Assert.Equal(ports.Count, ports.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_projects_are_the_ones_the_Dockerfiles_publish_and_the_components_are_the_self_hosted_ones()
    {
        foreach (var service in Projects)
        {
            var project = service.Str("project")!;
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, project)), $"tye.yaml runs {project}, which does not exist");
            var dockerfile = SourceFiles.DockerfileOf(project);
            Assert.True(File.Exists(dockerfile), $"{project} has no Dockerfile beside it");
            Assert.Contains($"dotnet publish {project} ", File.ReadAllText(dockerfile), StringComparison.Ordinal);
        }
        var components = Path.Combine(RepositoryPaths.Root, Dapr.Str("components-path")!);
        Assert.Equal(Path.GetFullPath(DeployPaths.DaprComponents), Path.GetFullPath(components));
        Assert.True(File.Exists(Path.Combine(components, "pubsub.yaml")));
    }

    [Fact]
    public void PostgreSQL_and_Redis_are_the_cluster_images_and_the_databases_the_cluster_creates()
    {
        var cluster = SourceFiles.BaseResources();
        foreach (var dependency in new[] { "postgres", "redis" })
        {
            var image = cluster.Workloads().Single(w => w.Name == dependency).Containers.Single().Str("image");
            Assert.Equal(image, Services.Single(s => s.Str("name") == dependency).Str("image"));
        }
        var postgres = Services.Single(s => s.Str("name") == "postgres");
        Assert.Contains(postgres.Arr("volumes").Objects(), v =>
            v.Str("target") == "/docker-entrypoint-initdb.d" && v.Str("source") == "deploy/k8s/base/postgres");

        var secrets = SourceFiles.ReadEnvFile(Path.Combine(DeployPaths.Base, "secrets", "dev.env"));
        foreach (var service in Projects)
        {
            var prefix = System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(AppIdOf(service));
            Assert.Equal("Postgres", Env(service, $"{prefix}__Store__Provider"));
            var local = new DbConnectionStringBuilder { ConnectionString = Env(service, $"{prefix}__Store__ConnectionString") };
            var inCluster = new DbConnectionStringBuilder { ConnectionString = secrets[$"{AppIdOf(service)}-connection-string"] };
            foreach (var key in new[] { "Database", "Username", "Password" })
            {
                Assert.Equal(inCluster[key], local[key]);
            }
            // The role's password is what the first-start script gives it.
            Assert.Equal(Env(postgres, $"{local["Username"].ToString()!.ToUpperInvariant()}_DB_PASSWORD"), local["Password"]);
        }
    }
}
