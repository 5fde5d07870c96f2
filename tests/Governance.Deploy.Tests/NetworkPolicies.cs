using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Governance.Deploy.Tests;

/// <summary>
/// One side of a connection: a pod (of the rendered namespace, whose policies then apply to it, or of another
/// namespace, whose policies are not ours to know) or an address outside the cluster.
/// </summary>
public sealed record Endpoint(
    string Description,
    bool IsGoverned,
    IReadOnlyDictionary<string, string>? NamespaceLabels,
    IReadOnlyDictionary<string, string> PodLabels,
    IReadOnlyList<(string Name, int Port, string Protocol)> NamedPorts,
    IPAddress? Address)
{
    /// <summary>A pod of the rendered namespace, from its workload's template.</summary>
    public static Endpoint Pod(Workload workload, IReadOnlyDictionary<string, string> namespaceLabels) => new(
        workload.Id,
        IsGoverned: true,
        namespaceLabels,
        workload.PodLabels,
        [.. workload.Containers.SelectMany(c => c.Arr("ports").Objects())
            .Where(p => p.Str("name") is not null)
            .Select(p => (p.Str("name")!, int.Parse(p.Str("containerPort")!, CultureInfo.InvariantCulture), p.Str("protocol") ?? "TCP"))],
        Address: null);

    /// <summary>A pod of another namespace (named by its kubernetes.io/metadata.name label).</summary>
    public static Endpoint InNamespace(string ns, IReadOnlyDictionary<string, string>? podLabels = null) => new(
        $"a pod in {ns}",
        IsGoverned: false,
        new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns },
        podLabels ?? new Dictionary<string, string>(),
        [],
        Address: null);

    /// <summary>An address outside the cluster.</summary>
    public static Endpoint Outside(string address) => new(
        address, IsGoverned: false, NamespaceLabels: null, new Dictionary<string, string>(), [], IPAddress.Parse(address));
}

/// <summary>
/// The NetworkPolicy objects of one namespace, judged as the API defines them (networking.k8s.io/v1): a pod selected
/// by no policy of a direction is open in that direction; once selected, only what some selecting policy's rule
/// allows gets through; a connection needs the sender's egress and the receiver's ingress. Pods of this namespace are
/// never matched by ipBlock (cluster-internal addresses are not modelled).
/// </summary>
public sealed class NetworkPolicies(Manifests manifests)
{
    private readonly IReadOnlyList<JsonObject> _policies = [.. manifests.OfKind("NetworkPolicy")];

    public bool Allows(Endpoint from, Endpoint to, int port, string protocol = "TCP") =>
        (!from.IsGoverned || Permits(from, "Egress", "egress", "to", to, to, port, protocol))
        && (!to.IsGoverned || Permits(to, "Ingress", "ingress", "from", from, to, port, protocol));

    /// <summary>
    /// The policies written for this pod: they select it by its labels (not every pod, as the deny and DNS policies
    /// do) and allow something.
    /// </summary>
    public IEnumerable<string> OwnPoliciesOf(Endpoint pod) =>
        _policies.Where(p => Selects(p, pod) && !IsEmpty(p.Obj("spec", "podSelector"))
                && (p.Arr("spec", "ingress")?.Count > 0 || p.Arr("spec", "egress")?.Count > 0))
            .Select(p => p.Str("metadata", "name")!);

    /// <summary>The policies that select every pod and allow nothing: the default deny.</summary>
    public IEnumerable<JsonObject> DefaultDenies() =>
        _policies.Where(p => IsEmpty(p.Obj("spec", "podSelector")) && p.At("spec", "ingress") is null && p.At("spec", "egress") is null
            && Types(p).Contains("Ingress") && Types(p).Contains("Egress"));

    private static bool IsEmpty(JsonObject? selector) => selector is null || selector.Count == 0;

    private bool Permits(Endpoint subject, string type, string rulesKey, string peersKey, Endpoint peer, Endpoint destination, int port, string protocol)
    {
        var governing = _policies.Where(p => Selects(p, subject) && Types(p).Contains(type)).ToList();
        return governing.Count == 0 || governing.Any(p => p.Arr("spec", rulesKey).Objects().Any(rule =>
            PeersMatch(rule.Arr(peersKey), peer) && PortsMatch(rule.Arr("ports"), destination, port, protocol)));
    }

    private static bool Selects(JsonObject policy, Endpoint pod) =>
        pod.IsGoverned && LabelSelector.Matches(policy.Obj("spec", "podSelector") ?? [], pod.PodLabels);

    private static IReadOnlyCollection<string> Types(JsonObject policy) =>
        policy.Arr("spec", "policyTypes") is { } types
            ? [.. types.Strings()]
            : policy.At("spec", "egress") is not null ? ["Ingress", "Egress"] : ["Ingress"];

    private static bool PeersMatch(JsonArray? peers, Endpoint peer) =>
        peers is null || peers.Count == 0 || peers.Objects().Any(p => PeerMatches(p, peer));

    private static bool PeerMatches(JsonObject rule, Endpoint peer)
    {
        if (rule.Obj("ipBlock") is { } block)
        {
            return peer.Address is { } address && Cidr.Contains(block.Str("cidr")!, address)
                && !block.Arr("except").Strings().Any(e => Cidr.Contains(e, address));
        }
        if (peer.Address is not null)
        {
            return false;
        }
        var namespaceSelector = rule.Obj("namespaceSelector");
        var podSelector = rule.Obj("podSelector");
        var namespaceMatches = namespaceSelector is null
            ? peer.IsGoverned
            : peer.NamespaceLabels is { } labels && LabelSelector.Matches(namespaceSelector, labels);
        return namespaceMatches && (podSelector is null || LabelSelector.Matches(podSelector, peer.PodLabels));
    }

    private static bool PortsMatch(JsonArray? ports, Endpoint destination, int port, string protocol) =>
        ports is null || ports.Count == 0 || ports.Objects().Any(p =>
        {
            if ((p.Str("protocol") ?? "TCP") != protocol)
            {
                return false;
            }
            var value = p.Str("port");
            if (value is null)
            {
                return true;
            }
            if (int.TryParse(value, CultureInfo.InvariantCulture, out var number))
            {
                var end = p.Str("endPort") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : number;
                return port >= number && port <= end;
            }
            return destination.NamedPorts.Any(n => n.Name == value && n.Port == port && n.Protocol == protocol);
        });
}

/// <summary>metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); empty selects all.</summary>
public static class LabelSelector
{
    public static bool Matches(JsonObject selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Obj("matchLabels").StringMap().All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && selector.Arr("matchExpressions").Objects().All(e =>
        {
            var key = e.Str("key")!;
            var values = e.Arr("values").Strings().ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var value);
            return e.Str("operator") switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw new FormatException($"Unknown label selector operator {other}."),
            };
        });
}

internal static class Cidr
{
    public static bool Contains(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var network = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var bytes = address.GetAddressBytes();
        if (bytes.Length != network.Length)
        {
            return false;
        }
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
