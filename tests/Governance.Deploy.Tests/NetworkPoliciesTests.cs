using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>
/// The network policy judge the manifest tests lean on, against small cases whose answer the Kubernetes API
/// documentation gives, so a judge that allowed everything (or nothing) could not pass them.
/// </summary>
public class NetworkPoliciesTests
{
    private static readonly Dictionary<string, string> Namespace = new() { ["kubernetes.io/metadata.name"] = "county" };

    private static Endpoint Pod(string name, string portName = "web", int port = 8080) =>
        new($"pod {name}", IsGoverned: true, Namespace, new Dictionary<string, string> { ["app"] = name }, [(portName, port, "TCP")], Address: null);

    private static NetworkPolicies Policies(string yaml) => new(Manifests.Parse(yaml));

    private const string DenyAll = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: { name: deny }
        spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
        """;

    [Fact]
    public void Without_policies_everything_flows_and_a_default_deny_stops_it()
    {
        Assert.True(Policies("").Allows(Pod("a"), Pod("b"), 8080));
        var deny = Policies(DenyAll);
        Assert.False(deny.Allows(Pod("a"), Pod("b"), 8080));
        Assert.False(deny.Allows(Endpoint.InNamespace("other"), Pod("b"), 8080));
        Assert.False(deny.Allows(Pod("a"), Endpoint.Outside("198.51.100.1"), 443));
        Assert.Single(deny.DefaultDenies());
    }

    [Fact]
    public void A_connection_needs_the_senders_egress_and_the_receivers_ingress_on_a_named_port()
    {
        var ingressOnly = DenyAll + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: { name: b-from-a }
            spec:
              podSelector: { matchLabels: { app: b } }
              policyTypes: [Ingress]
              ingress:
                - from: [ { podSelector: { matchLabels: { app: a } } } ]
                  ports: [ { port: web } ]
            """;
        Assert.False(Policies(ingressOnly).Allows(Pod("a"), Pod("b"), 8080));
        var both = ingressOnly + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: { name: a-to-b }
            spec:
              podSelector: { matchExpressions: [ { key: app, operator: In, values: [a, c] } ] }
              egress:
                - to: [ { podSelector: { matchLabels: { app: b } } } ]
                  ports: [ { protocol: TCP, port: 8080 } ]
            """;
        var policies = Policies(both);
        Assert.True(policies.Allows(Pod("a"), Pod("b"), 8080));
        Assert.False(policies.Allows(Pod("a"), Pod("b"), 8081));
        Assert.False(policies.Allows(Pod("a"), Pod("b"), 8080, "UDP"));
        Assert.False(policies.Allows(Pod("c"), Pod("b"), 8080));
        Assert.False(policies.Allows(Pod("b"), Pod("a"), 8080));
        Assert.Equal(["a-to-b"], policies.OwnPoliciesOf(Pod("a")));
    }

    [Fact]
    public void A_namespace_and_pod_selector_in_one_peer_must_both_match_and_an_ip_block_matches_addresses_only()
    {
        var policies = Policies(DenyAll + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: { name: out }
            spec:
              podSelector: { matchLabels: { app: a } }
              policyTypes: [Egress]
              egress:
                - to:
                    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
                      podSelector: { matchLabels: { k8s-app: kube-dns } }
                  ports: [ { protocol: UDP, port: 53 } ]
                - to: [ { ipBlock: { cidr: 198.51.100.0/24, except: [198.51.100.128/25] } } ]
            """);
        var dns = Endpoint.InNamespace("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        Assert.True(policies.Allows(Pod("a"), dns, 53, "UDP"));
        Assert.False(policies.Allows(Pod("a"), Endpoint.InNamespace("kube-system"), 53, "UDP"));
        Assert.True(policies.Allows(Pod("a"), Endpoint.Outside("198.51.100.9"), 443));
        Assert.False(policies.Allows(Pod("a"), Endpoint.Outside("198.51.100.200"), 443));
        Assert.False(policies.Allows(Pod("a"), Endpoint.InNamespace("elsewhere"), 443));
    }
}
