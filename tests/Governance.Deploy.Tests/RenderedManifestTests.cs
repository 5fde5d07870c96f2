using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>
/// Each overlay as <c>kubectl kustomize</c> renders it, which is what a cluster receives: the rules the design sets
/// for sidecars, probes, resources, security, scaling, network policy, configuration and secrets.
/// </summary>
public class RenderedManifestTests
{
    /// <summary>The app that subscribes to the incident life (and so needs a dead-letter topic).</summary>
    private const string Subscriber = "analytics";

    private static readonly string[] SidecarResourceAnnotations =
        ["dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit"];

    public static TheoryData<string> Overlays()
    {
        var data = new TheoryData<string>();
        foreach (var name in DeployPaths.OverlayNames())
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void The_demo_county_has_a_Redis_overlay_and_a_Kafka_overlay() =>
        Assert.Equal(["yongbei-330290", "yongbei-330290-kafka"], DeployPaths.OverlayNames());

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_Deployment_carries_the_Dapr_sidecar_annotations(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        Assert.NotEmpty(manifests.Deployments());
        foreach (var deployment in manifests.Deployments())
        {
            var id = deployment.Id;
            problems.Check(deployment.Annotation("dapr.io/enabled") == "true", $"{id}: dapr.io/enabled is not \"true\"");
            problems.Check(!string.IsNullOrEmpty(deployment.Annotation("dapr.io/app-id")), $"{id}: no dapr.io/app-id");
            var httpPort = Workload.ResolvePort(deployment.AppContainer(), "http");
            problems.Check(httpPort is not null && deployment.Annotation("dapr.io/app-port") == httpPort.Value.ToString(CultureInfo.InvariantCulture),
                $"{id}: dapr.io/app-port is {deployment.Annotation("dapr.io/app-port") ?? "missing"}, not the app's HTTP port {httpPort}");
            problems.Check(deployment.Annotation("dapr.io/app-protocol") == "http", $"{id}: dapr.io/app-protocol is not http");
            problems.Check(deployment.Annotation("dapr.io/enable-metrics") == "true", $"{id}: dapr.io/enable-metrics is not \"true\"");
            problems.Check(int.TryParse(deployment.Annotation("dapr.io/metrics-port"), CultureInfo.InvariantCulture, out _), $"{id}: no numeric dapr.io/metrics-port");
            var config = deployment.Annotation("dapr.io/config");
            problems.Check(config is not null && manifests.Find("Configuration", config)?.Obj("spec", "tracing") is not null,
                $"{id}: dapr.io/config names {config ?? "nothing"}, which is no Dapr Configuration with tracing in the manifests");
            foreach (var annotation in SidecarResourceAnnotations)
            {
                problems.Check(!string.IsNullOrEmpty(deployment.Annotation(annotation)), $"{id}: no {annotation}");
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_Deployment_is_ready_on_health_and_alive_on_alive_at_its_HTTP_port(string overlay)
    {
        var problems = new Problems();
        foreach (var deployment in Kubectl.RenderOverlay(overlay).Deployments())
        {
            var app = deployment.AppContainer();
            var httpPort = Workload.ResolvePort(app, "http");
            foreach (var (probe, path) in new[] { ("readinessProbe", "/health"), ("livenessProbe", "/alive"), ("startupProbe", "/alive") })
            {
                var get = app.Obj(probe, "httpGet");
                problems.Check(get?.Str("path") == path, $"{deployment.Id}: {probe} does not GET {path}");
                problems.Check(get is not null && Workload.ResolvePort(app, get.Str("port")) == httpPort,
                    $"{deployment.Id}: {probe} is not on the HTTP port {httpPort}");
            }
            // The first start on an empty store seeds the county before the ports open.
            var startup = app.Obj("startupProbe");
            var allowed = int.Parse(startup?.Str("periodSeconds") ?? "10", CultureInfo.InvariantCulture)
                * int.Parse(startup?.Str("failureThreshold") ?? "3", CultureInfo.InvariantCulture);
            problems.Check(allowed >= 300, $"{deployment.Id}: the startup probe allows {allowed} s, under the 300 s a first start's seeding may take");
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_resource_requests_and_limits(string overlay)
    {
        var problems = new Problems();
        foreach (var workload in Kubectl.RenderOverlay(overlay).Workloads())
        {
            foreach (var container in workload.AllContainers)
            {
                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        problems.Check(!string.IsNullOrEmpty(container.Str("resources", kind, resource)),
                            $"{workload.Id} container {container.Str("name")}: no {kind}.{resource}");
                    }
                }
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_as_non_root_on_a_read_only_root_without_capabilities(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        foreach (var workload in manifests.Workloads())
        {
            var id = workload.Id;
            var pod = workload.PodSpec.Obj("securityContext");
            problems.Check(pod.Str("runAsNonRoot") == "true", $"{id}: the pod does not set runAsNonRoot");
            problems.Check(pod.Str("runAsUser") is { } uid && uid != "0", $"{id}: the pod names no non-root runAsUser");
            problems.Check(pod.Str("seccompProfile", "type") == "RuntimeDefault", $"{id}: the pod's seccomp profile is not RuntimeDefault");
            problems.Check(workload.PodSpec.Str("automountServiceAccountToken") == "false", $"{id}: the service account token is mounted");
            var account = workload.PodSpec.Str("serviceAccountName");
            problems.Check(account == workload.Name && manifests.Find("ServiceAccount", account) is not null,
                $"{id}: runs as service account {account ?? "default"}, not a ServiceAccount of its own");
            foreach (var container in workload.AllContainers)
            {
                var name = $"{id} container {container.Str("name")}";
                var security = container.Obj("securityContext");
                problems.Check(security.Str("allowPrivilegeEscalation") == "false", $"{name}: allows privilege escalation");
                problems.Check(security.Str("readOnlyRootFilesystem") == "true", $"{name}: the root filesystem is writable");
                problems.Check(security.Arr("capabilities", "drop").Strings().Contains("ALL"), $"{name}: does not drop ALL capabilities");
            }
            if (workload.Kind == "Deployment")
            {
                // A read-only root needs somewhere to write: /tmp, and the data folder.
                foreach (var path in new[] { "/tmp", "/data" })
                {
                    var mount = workload.AppContainer().Arr("volumeMounts").Objects().FirstOrDefault(m => m.Str("mountPath") == path);
                    problems.Check(mount is not null && workload.Volume(mount.Str("name")!)?.At("emptyDir") is not null,
                        $"{id}: {path} is not an emptyDir");
                }
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_app_id_has_its_Deployment_and_its_Service_on_the_ports_the_host_binds(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        var appIds = manifests.AppIds();
        Assert.Equal(appIds.Distinct().Count(), appIds.Count);
        Assert.Equal(["analytics", "incidents"], appIds);
        foreach (var deployment in manifests.Deployments())
        {
            var appId = deployment.Annotation("dapr.io/app-id");
            problems.Check(appId == deployment.Name, $"{deployment.Id}: its app id is {appId}, not its name");
            var service = manifests.Find("Service", deployment.Name);
            if (service is null)
            {
                problems.Check(false, $"app id {appId}: no Service named {deployment.Name}");
                continue;
            }
            var selector = service.Obj("spec", "selector").StringMap();
            var selected = manifests.Workloads().Where(w => selector.Count > 0 && selector.All(s => w.PodLabels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
            problems.Check(selected.Count == 1 && selected[0].Id == deployment.Id,
                $"Service/{deployment.Name} selects {string.Join(", ", selected.Select(s => s.Id))}, not {deployment.Id} alone");
            var app = deployment.AppContainer();
            var env = ContainerEnvironment.Of(app, manifests);
            problems.Check(env.Literal("Ports__Address") == "0.0.0.0", $"{deployment.Id}: Ports__Address is not 0.0.0.0, so the host listens on loopback only");
            foreach (var (portName, setting) in new[] { ("grpc", "Ports__Grpc"), ("http", "Ports__Http") })
            {
                var containerPort = Workload.ResolvePort(app, portName);
                problems.Check(containerPort?.ToString(CultureInfo.InvariantCulture) == env.Literal(setting),
                    $"{deployment.Id}: {setting} is {env.Literal(setting) ?? "unset"}, the container port {portName} is {containerPort}");
                var servicePort = service.Arr("spec", "ports").Objects().FirstOrDefault(p => p.Str("name") == portName);
                problems.Check(servicePort is not null && Workload.ResolvePort(app, servicePort.Str("targetPort")) == containerPort,
                    $"Service/{deployment.Name}: no port named {portName} targeting the container's {portName} port");
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Dapr_components_resiliency_and_subscriptions_are_scoped_to_app_ids_that_exist(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        var appIds = manifests.AppIds().ToHashSet(StringComparer.Ordinal);
        var scoped = manifests.Objects.Where(o => o.Str("apiVersion")?.StartsWith("dapr.io/", StringComparison.Ordinal) == true
            && o.Str("kind") is "Component" or "Resiliency" or "Subscription").ToList();
        Assert.Contains(scoped, o => o.Str("kind") == "Component");
        Assert.Contains(scoped, o => o.Str("kind") == "Resiliency");
        foreach (var resource in scoped)
        {
            var id = $"{resource.Str("kind")}/{resource.Str("metadata", "name")}";
            var scopes = resource.Arr("scopes").Strings().ToList();
            problems.Check(scopes.Count > 0, $"{id}: not scoped, so every app in the namespace loads it");
            foreach (var scope in scopes.Where(s => !appIds.Contains(s)))
            {
                problems.Check(false, $"{id}: scoped to {scope}, which no Deployment's sidecar is");
            }
        }
        foreach (var resiliency in manifests.OfKind("Resiliency"))
        {
            var policies = resiliency.Obj("spec", "policies");
            foreach (var (component, directions) in resiliency.Obj("spec", "targets", "components") ?? [])
            {
                problems.Check(manifests.Find("Component", component) is not null, $"Resiliency targets component {component}, which does not exist");
                foreach (var (direction, policy) in directions as JsonObject ?? [])
                {
                    foreach (var (kind, section) in new[] { ("timeout", "timeouts"), ("retry", "retries"), ("circuitBreaker", "circuitBreakers") })
                    {
                        if (policy.Str(kind) is { } name)
                        {
                            problems.Check(policies.At(section, name) is not null, $"Resiliency {component} {direction} names {kind} {name}, which is not among its {section}");
                        }
                    }
                }
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void The_apps_publish_through_their_sidecars_to_a_pubsub_component_whose_secrets_exist(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        foreach (var deployment in manifests.Deployments())
        {
            var env = ContainerEnvironment.Of(deployment.AppContainer(), manifests);
            problems.Check(env.Literal("PubSub__Mode") == "Dapr", $"{deployment.Id}: PubSub__Mode is {env.Literal("PubSub__Mode") ?? "unset (Embedded)"}, not Dapr");
            var name = env.Literal("PubSub__Name") ?? "pubsub";
            var component = manifests.Find("Component", name);
            problems.Check(component?.Str("spec", "type") is "pubsub.redis" or "pubsub.kafka",
                $"{deployment.Id}: publishes on component {name}, which is no Redis or Kafka pub/sub component");
            problems.Check(component?.Arr("scopes").Strings().Contains(deployment.Annotation("dapr.io/app-id")) == true,
                $"{deployment.Id}: the component {name} is not scoped to it");
        }
        foreach (var component in manifests.OfKind("Component"))
        {
            foreach (var entry in component.Arr("spec", "metadata").Objects().Where(m => m.At("secretKeyRef") is not null))
            {
                var secret = entry.Str("secretKeyRef", "name")!;
                var key = entry.Str("secretKeyRef", "key")!;
                problems.Check(manifests.SecretValue(secret, key) is { Length: > 0 },
                    $"Component/{component.Str("metadata", "name")}: {entry.Str("name")} reads {secret}/{key}, which is not in the manifests");
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void The_subscriber_declares_a_dead_letter_topic_and_retries_deliveries_before_it(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var env = ContainerEnvironment.Of(manifests.Deployments().Single(d => d.Name == Subscriber).AppContainer(), manifests);
        var topic = env.Literal("PubSub__Topic");
        var deadLetter = env.Literal("PubSub__DeadLetterTopic");
        Assert.False(string.IsNullOrWhiteSpace(deadLetter), $"{Subscriber} declares its subscription with PubSub__DeadLetterTopic, which the manifests do not set");
        Assert.NotEqual(topic, deadLetter);
        Assert.DoesNotContain(deadLetter!, char.IsWhiteSpace);
        foreach (var subscription in manifests.OfKind("Subscription"))
        {
            Assert.False(string.IsNullOrEmpty(subscription.Str("spec", "deadLetterTopic")), $"Subscription/{subscription.Str("metadata", "name")} has no dead-letter topic");
        }
        var component = env.Literal("PubSub__Name") ?? "pubsub";
        Assert.Contains(manifests.OfKind("Resiliency"), r => r.Str("spec", "targets", "components", component, "inbound", "retry") is not null
            && r.Arr("scopes").Strings().Contains(Subscriber));
        Assert.Contains(manifests.OfKind("Resiliency"), r => r.Str("spec", "targets", "components", component, "outbound", "retry") is not null
            && r.Str("spec", "targets", "components", component, "outbound", "circuitBreaker") is not null
            && r.Str("spec", "targets", "components", component, "outbound", "timeout") is not null);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_Deployment_has_an_autoscaler_and_a_disruption_budget_of_its_own(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        foreach (var deployment in manifests.Deployments())
        {
            var autoscalers = manifests.OfKind("HorizontalPodAutoscaler").Where(h =>
                h.Str("spec", "scaleTargetRef", "kind") == "Deployment" && h.Str("spec", "scaleTargetRef", "name") == deployment.Name).ToList();
            problems.Check(autoscalers.Count == 1, $"{deployment.Id}: {autoscalers.Count} autoscalers target it");
            foreach (var hpa in autoscalers)
            {
                problems.Check(hpa.Str("apiVersion") == "autoscaling/v2", $"{deployment.Id}: its autoscaler is not autoscaling/v2");
                var min = int.Parse(hpa.Str("spec", "minReplicas") ?? "1", CultureInfo.InvariantCulture);
                var max = int.Parse(hpa.Str("spec", "maxReplicas")!, CultureInfo.InvariantCulture);
                problems.Check(min == deployment.Replicas, $"{deployment.Id}: runs {deployment.Replicas} replicas but its autoscaler's minimum is {min}");
                problems.Check(max > min, $"{deployment.Id}: its autoscaler cannot scale out ({min}..{max})");
                problems.Check(hpa.Arr("spec", "metrics")?.Count > 0, $"{deployment.Id}: its autoscaler has no metric");
            }
            var budgets = manifests.OfKind("PodDisruptionBudget").Where(b =>
                LabelSelector.Matches(b.Obj("spec", "selector") ?? [], deployment.PodLabels)).ToList();
            problems.Check(budgets.Count == 1, $"{deployment.Id}: {budgets.Count} disruption budgets select it");
            foreach (var budget in budgets)
            {
                var others = manifests.Workloads().Where(w => w.Id != deployment.Id && LabelSelector.Matches(budget.Obj("spec", "selector")!, w.PodLabels));
                problems.Check(!others.Any(), $"PodDisruptionBudget/{budget.Str("metadata", "name")} also selects {string.Join(", ", others.Select(o => o.Id))}");
                problems.Check(budget.Str("spec", "maxUnavailable") is not null || budget.Str("spec", "minAvailable") is not null,
                    $"PodDisruptionBudget/{budget.Str("metadata", "name")} bounds nothing");
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Network_policy_denies_by_default_and_every_workload_has_a_policy_of_its_own(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var policies = new NetworkPolicies(manifests);
        Assert.NotEmpty(policies.DefaultDenies());
        var labels = NamespaceLabels(manifests);
        var problems = new Problems();
        foreach (var workload in manifests.Workloads())
        {
            problems.Check(policies.OwnPoliciesOf(Endpoint.Pod(workload, labels)).Any(), $"{workload.Id}: no network policy selects it by its labels");
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Network_policy_lets_through_the_flows_the_design_needs_and_stops_the_others(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var policies = new NetworkPolicies(manifests);
        var labels = NamespaceLabels(manifests);
        Endpoint Pod(string name) => Endpoint.Pod(manifests.Workloads().Single(w => w.Name == name), labels);
        var incidents = Pod("incidents");
        var analytics = Pod("analytics");
        var postgres = Pod("postgres");
        var ingress = Endpoint.InNamespace("ingress-nginx");
        var dns = Endpoint.InNamespace("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        var kafka = Endpoint.InNamespace("kafka");
        var usesKafka = manifests.Get("Component", "pubsub").Str("spec", "type") == "pubsub.kafka";
        var problems = new Problems();
        void Expect(bool allowed, Endpoint from, Endpoint to, int port, string protocol = "TCP") =>
            problems.Check(policies.Allows(from, to, port, protocol) == allowed,
                $"{from.Description} -> {to.Description}:{port}/{protocol} is {(allowed ? "blocked" : "allowed")}, but must be {(allowed ? "allowed" : "blocked")}");

        // Needed: clients through the ingress controller, the stores, the broker, DNS, the Dapr control plane, the
        // collector, metrics scraping.
        Expect(true, ingress, incidents, 5080);
        Expect(true, ingress, analytics, 5080);
        Expect(true, ingress, analytics, 5081);
        foreach (var app in new[] { incidents, analytics })
        {
            Expect(true, app, postgres, 5432);
            Expect(true, app, dns, 53, "UDP");
            Expect(true, app, Endpoint.InNamespace("dapr-system"), 50001);
            Expect(true, app, Endpoint.InNamespace("observability"), 4317);
            Expect(true, Endpoint.InNamespace("monitoring"), app, 9090);
            if (usesKafka)
            {
                Expect(true, app, kafka, 9092);
            }
            else
            {
                Expect(true, app, Pod("redis"), 6379);
            }
            // Not needed: the internet, the other service's ports, the app's HTTP port from outside the pod.
            Expect(false, app, Endpoint.Outside("203.0.113.7"), 443);
            Expect(false, app, kafka, 9093);
        }
        Expect(false, ingress, incidents, 5081);
        Expect(false, analytics, incidents, 5080);
        Expect(false, incidents, analytics, 5081);
        Expect(false, ingress, postgres, 5432);
        Expect(false, Endpoint.InNamespace("monitoring"), postgres, 5432);
        Expect(false, postgres, Endpoint.InNamespace("observability"), 4317);
        Expect(false, postgres, Endpoint.Outside("203.0.113.7"), 443);
        Expect(true, postgres, dns, 53, "UDP");
        if (!usesKafka)
        {
            var redis = Pod("redis");
            Expect(false, ingress, redis, 6379);
            Expect(false, postgres, redis, 6379);
            Expect(false, redis, postgres, 5432);
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void The_county_files_are_generated_and_mounted_where_the_settings_point(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var incidents = manifests.Deployments().Single(d => d.Name == "incidents");
        var app = incidents.AppContainer();
        var env = ContainerEnvironment.Of(app, manifests);
        var problems = new Problems();
        foreach (var setting in new[] { "Incidents__County__BoundaryFile", "Incidents__CalendarFile" })
        {
            var path = env.Literal(setting);
            if (path is null)
            {
                problems.Check(false, $"{setting} is not set");
                continue;
            }
            var mount = app.Arr("volumeMounts").Objects().FirstOrDefault(m => m.Str("mountPath") == Path.GetDirectoryName(path));
            var configMap = mount is null ? null : incidents.Volume(mount.Str("name")!)?.Str("configMap", "name");
            problems.Check(configMap is not null, $"{setting} = {path}: no ConfigMap is mounted at {Path.GetDirectoryName(path)}");
            if (configMap is not null)
            {
                var data = manifests.Find("ConfigMap", configMap)?.Obj("data").StringMap();
                problems.Check(data?.TryGetValue(Path.GetFileName(path), out var content) == true && content.Length > 0,
                    $"{setting} = {path}: ConfigMap {configMap} has no {Path.GetFileName(path)}");
            }
        }
        problems.Check(env.Literal("Incidents__County__Code") is { Length: 6 } code && code.All(char.IsAsciiDigit), "Incidents__County__Code is not a six-digit division code");
        problems.Check(!string.IsNullOrWhiteSpace(env.Literal("Incidents__County__Name")), "Incidents__County__Name is not set");
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void PostgreSQL_is_a_StatefulSet_and_each_app_takes_its_connection_string_from_the_Secret(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var postgres = manifests.Workloads().Single(w => w.Name == "postgres");
        Assert.Equal("StatefulSet", postgres.Kind);
        Assert.Contains(postgres.Manifest.Arr("spec", "volumeClaimTemplates").Objects(), t => t.Str("spec", "resources", "requests", "storage") is not null);
        var serviceName = postgres.Manifest.Str("spec", "serviceName")!;
        var service = manifests.Get("Service", serviceName);
        Assert.Equal("None", service.Str("spec", "clusterIP"));
        Assert.True(LabelSelector.Matches(new JsonObject { ["matchLabels"] = service.Obj("spec", "selector")!.DeepClone() }, postgres.PodLabels),
            $"Service/{serviceName} does not select the PostgreSQL pods");
        var database = postgres.Containers.Single();
        var databaseEnv = ContainerEnvironment.Of(database, manifests);
        var problems = new Problems();
        foreach (var app in manifests.Deployments())
        {
            var prefix = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(app.Name);
            var env = ContainerEnvironment.Of(app.AppContainer(), manifests);
            problems.Check(env.Literal($"{prefix}__Store__Provider") == "Postgres", $"{app.Id}: {prefix}__Store__Provider is not Postgres");
            if (!env.TryGetValue($"{prefix}__Store__ConnectionString", out var source) || source is not EnvSource.SecretKey secretKey)
            {
                problems.Check(false, $"{app.Id}: {prefix}__Store__ConnectionString does not come from a Secret");
                continue;
            }
            var value = manifests.SecretValue(secretKey.Secret, secretKey.Key);
            if (value is null)
            {
                problems.Check(false, $"{app.Id}: its connection string is {secretKey.Secret}/{secretKey.Key}, which is not in the manifests");
                continue;
            }
            var connection = new DbConnectionStringBuilder { ConnectionString = value };
            string? Part(string key) => connection.TryGetValue(key, out var v) ? v?.ToString() : null;
            problems.Check(Part("Host") is { } host && (host == serviceName || host.StartsWith($"{postgres.Name}-0.{serviceName}", StringComparison.Ordinal)),
                $"{app.Id}: connects to {Part("Host")}, not the PostgreSQL Service {serviceName}");
            problems.Check(Part("Port") == Workload.ResolvePort(database, "postgres")?.ToString(CultureInfo.InvariantCulture), $"{app.Id}: connects to port {Part("Port")}");
            // init-databases.sh creates each role with the password in {ROLE}_DB_PASSWORD.
            var role = Part("Username") ?? "";
            var rolePassword = databaseEnv.TryGetValue($"{role.ToUpperInvariant()}_DB_PASSWORD", out var p) && p is EnvSource.SecretKey k
                ? manifests.SecretValue(k.Secret, k.Key)
                : null;
            problems.Check(rolePassword is not null && rolePassword == Part("Password"),
                $"{app.Id}: connects as {role} with a password other than the one the database's first start gives that role");
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_ConfigMap_Secret_and_ServiceAccount_a_pod_names_exists(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var problems = new Problems();
        void Exists(string owner, string kind, string? name, string? key = null)
        {
            var found = name is null ? null : manifests.Find(kind, name);
            problems.Check(found is not null, $"{owner}: names {kind} {name}, which is not in the manifests");
            if (found is not null && key is not null)
            {
                problems.Check(found.Obj("data")?.ContainsKey(key) == true || found.Obj("stringData")?.ContainsKey(key) == true,
                    $"{owner}: names key {key} of {kind} {name}, which it does not have");
            }
        }
        foreach (var workload in manifests.Workloads())
        {
            Exists(workload.Id, "ServiceAccount", workload.PodSpec.Str("serviceAccountName"));
            foreach (var container in workload.AllContainers)
            {
                var owner = $"{workload.Id} container {container.Str("name")}";
                foreach (var from in container.Arr("envFrom").Objects())
                {
                    if (from.Str("configMapRef", "name") is { } c)
                    {
                        Exists(owner, "ConfigMap", c);
                    }
                    if (from.Str("secretRef", "name") is { } s)
                    {
                        Exists(owner, "Secret", s);
                    }
                }
                foreach (var valueFrom in container.Arr("env").Objects().Select(e => e.Obj("valueFrom")).OfType<JsonObject>())
                {
                    if (valueFrom.Obj("secretKeyRef") is { } s)
                    {
                        Exists(owner, "Secret", s.Str("name"), s.Str("key"));
                    }
                    if (valueFrom.Obj("configMapKeyRef") is { } c)
                    {
                        Exists(owner, "ConfigMap", c.Str("name"), c.Str("key"));
                    }
                }
            }
            foreach (var volume in workload.PodSpec.Arr("volumes").Objects())
            {
                if (volume.Str("configMap", "name") is { } c)
                {
                    Exists(workload.Id, "ConfigMap", c);
                }
                if (volume.Str("secret", "secretName") is { } s)
                {
                    Exists(workload.Id, "Secret", s);
                }
            }
        }
        problems.AssertNone(overlay);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_namespaced_object_is_in_the_overlays_namespace(string overlay)
    {
        var manifests = Kubectl.RenderOverlay(overlay);
        var ns = Assert.Single(manifests.OfKind("Namespace")).Str("metadata", "name");
        var outside = manifests.Objects.Where(o => o.Str("kind") != "Namespace" && o.Str("metadata", "namespace") != ns)
            .Select(o => $"{o.Str("kind")}/{o.Str("metadata", "name")}").ToList();
        Assert.True(outside.Count == 0, $"Not in namespace {ns}: {string.Join(", ", outside)}");
    }

    [KubectlFact]
    public void The_demo_county_runs_two_of_each_service_in_its_own_namespace()
    {
        var manifests = Kubectl.RenderOverlay("yongbei-330290");
        Assert.Equal("governance-330290", Assert.Single(manifests.OfKind("Namespace")).Str("metadata", "name"));
        Assert.All(manifests.Deployments(), d => Assert.Equal(2, d.Replicas));
        var env = ContainerEnvironment.Of(manifests.Deployments().Single(d => d.Name == "incidents").AppContainer(), manifests);
        Assert.Equal("330290", env.Literal("Incidents__County__Code"));
        Assert.Equal("甬北县", env.Literal("Incidents__County__Name"));
        Assert.Equal("pubsub.redis", manifests.Get("Component", "pubsub").Str("spec", "type"));
    }

    [KubectlFact]
    public void The_Kafka_overlay_is_the_Redis_one_with_the_broker_swapped_and_nothing_else()
    {
        var redis = Kubectl.RenderOverlay("yongbei-330290");
        var kafka = Kubectl.RenderOverlay("yongbei-330290-kafka");
        static HashSet<string> Ids(Manifests m) => [.. m.Objects.Select(o => $"{o.Str("kind")}/{o.Str("metadata", "name")}")];
        Assert.Equal(
            ["NetworkPolicy/dapr-apps-to-redis", "NetworkPolicy/redis-ingress", "Service/redis", "ServiceAccount/redis", "StatefulSet/redis"],
            Ids(redis).Except(Ids(kafka)).Order(StringComparer.Ordinal));
        Assert.Equal(["NetworkPolicy/dapr-apps-to-kafka"], Ids(kafka).Except(Ids(redis)));
        var component = kafka.Get("Component", "pubsub");
        Assert.Equal("pubsub.kafka", component.Str("spec", "type"));
        Assert.Equal(redis.Get("Component", "pubsub").Arr("scopes").Strings(), component.Arr("scopes").Strings());
        Assert.DoesNotContain(component.Arr("spec", "metadata").Objects(), m => m.Str("name")!.StartsWith("redis", StringComparison.Ordinal));
        Assert.Contains(component.Arr("spec", "metadata").Objects(), m => m.Str("name") == "brokers" && !string.IsNullOrEmpty(m.Str("value")));
        // Everything the two share renders the same, so the switch touches the broker alone.
        foreach (var id in Ids(redis).Intersect(Ids(kafka)).Where(i => i != "Component/pubsub"))
        {
            var (kind, name) = (id[..id.IndexOf('/')], id[(id.IndexOf('/') + 1)..]);
            Assert.True(JsonNode.DeepEquals(redis.Get(kind, name), kafka.Get(kind, name)), $"{id} differs between the Redis and the Kafka overlay");
        }
    }

    private static IReadOnlyDictionary<string, string> NamespaceLabels(Manifests manifests)
    {
        var ns = Assert.Single(manifests.OfKind("Namespace"));
        var labels = new Dictionary<string, string>(ns.Obj("metadata", "labels").StringMap(), StringComparer.Ordinal)
        {
            // The API server sets this on every namespace.
            ["kubernetes.io/metadata.name"] = ns.Str("metadata", "name")!,
        };
        return labels;
    }
}
